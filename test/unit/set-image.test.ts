import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Jore4FluxError } from "../../src/errors.ts";
import { setImageInText } from "../../src/values/set-image.ts";
import { parseYamlSource } from "../../src/io/yaml-source.ts";

const services = ["auth", "ui"];

describe("setting an image in a values file's text", () => {
  it("replaces only the image scalar, keeping comments, quotes elsewhere and flow lists", () => {
    const text =
      "# shared\nservices:\n  ui:  # the UI\n    image: 'hsldevcom/jore4-ui:1'  # pinned\n    probe: {command: [a, b]}\n";
    assert.equal(
      setImageInText("values/common.yaml", text, "ui", "hsldevcom/jore4-ui:2", services),
      "# shared\nservices:\n  ui:  # the UI\n    image: 'hsldevcom/jore4-ui:2'  # pinned\n    probe: {command: [a, b]}\n",
    );
  });

  it("adds the key to an override that lacks it", () => {
    const text = "# stage prod\ningress:\n  host: jore.hsl.fi\n";
    assert.equal(
      setImageInText("values/prod.yaml", text, "ui", "x/ui:3", services),
      "# stage prod\ningress:\n  host: jore.hsl.fi\nservices:\n  ui:\n    image: x/ui:3\n",
    );
  });

  it("fills an empty override", () => {
    assert.equal(
      setImageInText("values/dev.yaml", "", "auth", "x/auth:1", services),
      "services:\n  auth:\n    image: x/auth:1\n",
    );
  });

  it("returns the same text when the image is already set", () => {
    const text = "services:\n  ui:\n    image: x/ui:3 # same\n";
    assert.equal(setImageInText("values/common.yaml", text, "ui", "x/ui:3", services), text);
  });

  it("writes images YAML would read as null, a boolean or a number so that they read back as the same string", () => {
    const replaced = "services:\n  ui:\n    image: x/ui:1 # pinned\n";
    for (const image of ["null", "true", "1", "1e3", "0x1f", "[::1]:5000/x:y"]) {
      for (const text of [replaced, "# prod\n"]) {
        const written = setImageInText("values/common.yaml", text, "ui", image, services);
        assert.equal(parseYamlSource("values/common.yaml", written).document.getIn(["services", "ui", "image"]), image);
      }
    }
    assert.equal(
      setImageInText("values/common.yaml", replaced, "ui", "null", services),
      "services:\n  ui:\n    image: 'null' # pinned\n",
    );
  });

  it("refuses an unknown service and an invalid image", () => {
    assert.throws(
      () => setImageInText("v.yaml", "", "db", "x/db:1", services),
      (error: Jore4FluxError) => error.exitCode === 2 && /no service 'db'/.test(error.message),
    );
    assert.throws(
      () => setImageInText("v.yaml", "", "ui", "x/ui:", services),
      (error: Jore4FluxError) => error.exitCode === 2 && /must be an image reference/.test(error.message),
    );
  });

  it("refuses a file that is not a map", () => {
    assert.throws(
      () => setImageInText("v.yaml", "- a\n", "ui", "x/ui:1", services),
      /a values file must be a map of keys/,
    );
  });
});
