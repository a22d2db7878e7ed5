import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { renderProject } from "../../src/generate/render-project.ts";
import { memoryFiles } from "../../src/io/source-files.ts";
import { kubernetesYaml } from "../../src/kube/yaml.ts";
import { fileText } from "../../src/render/yaml-text.ts";
import type { KubeObject } from "../../src/kube/object.ts";
import type { RenderedFile } from "../../src/render/stage.ts";
import { readStageFolder, type StageFolder } from "../../src/validate/stage-files.ts";
import { parseYamlStream } from "../../src/io/yaml-source.ts";
import { largeConfiguration } from "../../bench/large-config.ts";
import { shippedFiles } from "../support/repo-fixture.ts";

/** What kubernetesYaml must equal: yaml's own stringify with the same options. */
const yamlText = (value: unknown) =>
  stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, compat: "yaml-1.1" });

/** Values the direct writer must write as yaml does (and locate as yaml parses them). */
const writerCases: unknown[] = [
  { a: [1, { b: 2, c: [] }], d: {}, e: null, f: "x\ny\n", g: ["a\nb", " lead\nx"], h: [[1, 2], []] },
  { i: { j: { k: "yes", n: "n" } }, skipped: undefined, "a b": 1, "x:y": 2, "": 3, "- z": 4 },
  [{ a: "p\nq" }],
  { s: "x\n\n", t: "tail  \n", n: "\n", deep: { x: { y: [{ z: "\n", w: "a\n\n  b\n" }] } } },
  { a: -0, b: 1e21, c: NaN, d: Infinity, e: "0777", f: "1:20", g: "~", h: "2022-02-03", i: "'q'", j: '"d"' },
  { k: "# c", l: "a #b", m: "a: b", o: "@x", p: "-", q: "---", r: " sp", s: "tab\tx", t: "ü", u: "\u0007" },
  { x: [[]], y: [{}], z: [[{ a: 1 }]], w: [[["x"]]] },
  { sparse: [undefined, 1], date: new Date(0) },
  [],
  {},
  "a string",
];

describe("kubernetesYaml writes exactly what yaml's stringify writes", () => {
  test("nesting, empty collections, block scalars at every depth, quoting (YAML 1.1 look-alikes, keys too)", () => {
    for (const value of writerCases) assert.equal(kubernetesYaml(value), yamlText(value), JSON.stringify(value));
  });

  test("40,000 short strings of letters, digits and name characters, starting with any of them", () => {
    let seed = 11;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    // Digits, signs, dots, colons, e, x, o, b and the YAML 1.1 words make numbers, dates, times
    // and bools; the rest are indicators and characters a plain scalar may not hold.
    const rest = "abyYnNoOtTfFeEsSlLxXiI0123456789_./:@=+%~- #,";
    for (let index = 0; index < 40000; index += 1) {
      let text = index % 2 === 0 ? letters[random(letters.length)]! : rest[random(rest.length)]!;
      for (let length = random(9); length > 0; length -= 1) text += rest[random(rest.length)]!;
      assert.equal(kubernetesYaml({ key: text }), yamlText({ key: text }), JSON.stringify(text));
      assert.equal(kubernetesYaml({ [text]: 1 }), yamlText({ [text]: 1 }), `key ${JSON.stringify(text)}`);
    }
  });

  test("every object of the shipped configuration and of a generated 3 stages × 20 services one", () => {
    const shipped = shippedFiles();
    let count = 0;
    for (const files of [shipped, largeConfiguration(3, 20, shipped["jore4-flux.yaml"]!)]) {
      for (const stage of renderProject(memoryFiles(files)).stages)
        for (const file of stage.files)
          for (const object of file.objects) {
            assert.equal(kubernetesYaml(object), yamlText(object), `${stage.dir}/${file.name}`);
            count += 1;
          }
    }
    assert.ok(count > 300, `${count} objects compared`);
  });
});

describe("a file equal to its rendering: each field located where yaml's parse of the file puts it", () => {
  /** Every key path of a value, and one segment past each (a path a rule names but the object lacks). */
  const paths = (value: unknown, path: (string | number)[] = []): (string | number)[][] => [
    path,
    [...path, "absent"],
    [...path, 7],
    ...(typeof value === "object" && value !== null
      ? Object.entries(value).flatMap(([key, inner]) =>
          paths(inner, [...path, Array.isArray(value) ? Number(key) : key]),
        )
      : []),
  ];

  /** readStageFolder with the rendered objects (located from the writer) against parsing the file. */
  function assertLocatedAsParsed(files: RenderedFile[], dir: string): number {
    const disk = memoryFiles(Object.fromEntries(files.map((file) => [`${dir}/${file.name}`, fileText(file)])));
    const rendered = new Map(files.map((file) => [`${dir}/${file.name}`, file.objects] as const));
    const parsed = readStageFolder(disk, dir);
    const counted = readStageFolder(disk, dir, rendered);
    const all = (folder: StageFolder) => [...folder.objects, ...(folder.kustomization ? [folder.kustomization] : [])];
    let located = 0;
    all(parsed).forEach((item, index) => {
      for (const path of paths(item.object)) {
        assert.deepEqual(all(counted)[index]!.locate(path), item.locate(path), `${item.file} ${path.join(".")}`);
        located += 1;
      }
    });
    return located;
  }

  test("every path of every object of the shipped configuration and of a generated 3 stages × 20 services one", () => {
    const shipped = shippedFiles();
    let located = 0;
    for (const files of [shipped, largeConfiguration(3, 20, shipped["jore4-flux.yaml"]!)])
      for (const stage of renderProject(memoryFiles(files)).stages) {
        // check validates the rendered objects in place of the file's: they must be what the file holds.
        for (const file of stage.files)
          assert.deepStrictEqual(
            parseYamlStream(file.name, fileText(file)).map((source) => source.value),
            file.objects,
            `${stage.dir}/${file.name}`,
          );
        located += assertLocatedAsParsed(stage.files, stage.dir);
      }
    assert.ok(located > 10000, `${located} paths located`);
  });

  test("nesting, empty collections, block scalars, quoted keys; an object yaml writes whole is located in the parsed file", () => {
    const objects = [...writerCases.filter((value) => typeof value === "object" && value !== null), { a: [1], b: "x" }];
    const file = { name: "all.yaml", objects: objects as KubeObject[], sources: ["values/x.yaml"] };
    assert.ok(assertLocatedAsParsed([file], "clusters/x") > 100);
  });
});
