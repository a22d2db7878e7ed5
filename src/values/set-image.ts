import { Composer, CST, Document, isMap, isScalar, Parser } from "yaml";
import { invalidInput } from "../errors.ts";
import { isImageReference } from "./image-reference.ts";

function parsed(file: string, text: string): { tokens: CST.Token[]; document: Document.Parsed } {
  const tokens = [...new Parser().parse(text)];
  const document = [...new Composer({ keepSourceTokens: true }).compose(tokens)][0];
  if (!document) return { tokens, document: new Document() as Document.Parsed };
  const error = document.errors[0];
  if (error)
    throw invalidInput([
      { location: { file, line: 1, column: 1 }, message: `invalid YAML: ${error.message.split("\n")[0]}` },
    ]);
  if (document.contents !== null && !isMap(document.contents))
    throw invalidInput([{ location: { file, line: 1, column: 1 }, message: "a values file must be a map of keys" }]);
  return { tokens, document };
}

/**
 * Sets `services.<service>.image` in one values file's text. An existing image is replaced in the
 * source tokens themselves, so every other byte of the file stays as it was; a missing one is
 * added (comments are kept). Returns the text unchanged when the image is already set.
 */
export function setImageInText(
  file: string,
  text: string,
  service: string,
  image: string,
  knownServices: readonly string[],
): string {
  if (!knownServices.includes(service)) {
    throw invalidInput([
      {
        path: `services.${service}`,
        message: `no service '${service}' in the shared values; services: ${knownServices.join(", ")}`,
      },
    ]);
  }
  if (!isImageReference(image)) {
    throw invalidInput([
      {
        path: `services.${service}.image`,
        message: `'${image}' must be an image reference like registry/name:tag or name@sha256:…`,
      },
    ]);
  }
  const path = ["services", service, "image"];
  const { tokens, document } = parsed(file, text);
  const current = document.getIn(path, true);
  if (isScalar(current) && current.value === image) return text;
  if (isScalar(current) && current.srcToken) {
    CST.setScalarValue(current.srcToken, image);
    return tokens.map((token) => CST.stringify(token)).join("");
  }
  document.setIn(path, image);
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}
