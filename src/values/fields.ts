import * as z from "zod";
import { isImageReference, repositoryPath } from "./image-reference.ts";
import { goDuration } from "./duration.ts";

/** Field types shared by the project configuration and the values schemas. */
export const dnsLabel = z
  .string()
  .max(63, "must be at most 63 characters (a DNS label)")
  .regex(
    /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS label: lower-case letters, digits and '-', starting with a letter",
  );

export const port = z
  .int("must be a whole number")
  .min(1, "must be a port from 1 to 65535")
  .max(65535, "must be a port from 1 to 65535");

export const nodePort = z
  .int("must be a whole number")
  .min(30000, "must be a node port from 30000 to 32767")
  .max(32767, "must be a node port from 30000 to 32767");

export const imageReference = z
  .string()
  .refine(isImageReference, {
    message: "must be an image reference like registry/name:tag or name@sha256:…",
    abort: true,
  })
  .refine((reference) => !/[A-Z]/.test(repositoryPath(reference)), {
    message: "must have a lower-case repository path (registries refuse upper case)",
  });

export const absolutePath = z.string().regex(/^\/[^\s]*$/, "must be an absolute path starting with '/'");

export const duration = z.string().regex(goDuration, "must be a Go duration like 1m or 30s");
