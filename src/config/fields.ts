import * as z from "zod";
import { goDuration } from "./duration.ts";

/** Field types of the project configuration, shared with the values schemas. */
export const dnsLabel = z
  .string()
  .max(63, "must be at most 63 characters (a DNS label)")
  .regex(
    /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS label: lower-case letters, digits and '-', starting with a letter",
  );

export const duration = z.string().regex(goDuration, "must be a Go duration like 1m or 30s");
