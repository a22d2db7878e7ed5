import { isMap, parseDocument } from "yaml";
import { invalidInput } from "../errors.ts";
import { isImageReference } from "./image-reference.ts";

/**
 * Sets `services.<service>.image` in one values file's text, keeping its comments and layout.
 * Returns the text unchanged when the image is already set.
 */
export function setImageInText(file: string, text: string, service: string, image: string, knownServices: readonly string[]): string {
  if (!knownServices.includes(service)) {
    throw invalidInput([{ path: `services.${service}`, message: `no service '${service}' in the shared values; services: ${knownServices.join(", ")}` }]);
  }
  if (!isImageReference(image)) {
    throw invalidInput([{ path: `services.${service}.image`, message: `'${image}' must be an image reference like registry/name:tag or name@sha256:…` }]);
  }
  const document = parseDocument(text, { keepSourceTokens: true });
  if (document.errors.length > 0) throw invalidInput([{ location: { file, line: 1, column: 1 }, message: `invalid YAML: ${document.errors[0]!.message.split("\n")[0]}` }]);
  if (document.getIn(["services", service, "image"]) === image) return text;
  if (document.contents !== null && !isMap(document.contents)) throw invalidInput([{ location: { file, line: 1, column: 1 }, message: "a values file must be a map of keys" }]);
  document.setIn(["services", service, "image"], image);
  return document.toString({ lineWidth: 0 });
}
