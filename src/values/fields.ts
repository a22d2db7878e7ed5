import * as z from "zod";
import { isImageReference, repositoryPath } from "./image-reference.ts";

/** Field types of the values schemas (those the project configuration shares are in src/config/fields.ts). */
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
