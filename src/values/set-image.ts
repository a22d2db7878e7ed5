import { Composer, CST, Document, isMap, isScalar, Parser, type Scalar } from "yaml";
import { invalidInput } from "../errors.ts";
import { isImageReference } from "./image-reference.ts";
import { parseYamlSource } from "../io/yaml-source.ts";

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
  /** The text with the image set, in the scalar's own style (plain for a new key) or the one given. */
  const edited = (type?: Scalar.Type): string => {
    if (isScalar(current) && current.srcToken) {
      CST.setScalarValue(current.srcToken, image, type ? { type } : {});
      return tokens.map((token) => CST.stringify(token)).join("");
    }
    const node = document.createNode(image);
    if (type) node.type = type;
    document.setIn(path, node);
    return document.toString({ lineWidth: 0, flowCollectionPadding: false });
  };
  // A plain `null`, `true`, `1e3` or `[::1]:5000/x` reads back as another type or as YAML
  // syntax: what the loader reads back decides, and single quotes (taken literally) are the fallback.
  for (const type of [undefined, "QUOTE_SINGLE"] as const) {
    const written = edited(type);
    if (readsBack(file, written, path, image)) return written;
  }
  throw new Error(`services.${service}.image '${image}' does not read back from ${file} as the same string`);
}

/** Whether the values loader reads `value` at `path` of `text`, exactly (a string, not another type). */
function readsBack(file: string, text: string, path: readonly string[], value: string): boolean {
  try {
    return parseYamlSource(file, text).document.getIn(path) === value;
  } catch {
    return false;
  }
}
