import assert from "node:assert/strict";
import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { edit, refusesBadInput, type BadInput } from "../support/bad-input.ts";
import { runCli } from "../support/cli.ts";
import { temporaryRepo } from "../support/repo-fixture.ts";

const cases: BadInput[] = [
  {
    name: "malformed YAML",
    breakIt: (dir) => edit(dir, "values/dev.yaml", (text) => text.replace("ingress:\n", "ingress: [\n")),
    error: /^error: values\/dev\.yaml:4:9: invalid YAML: Implicit keys need to be on a single line$/m,
  },
  {
    name: "unknown key",
    breakIt: (dir) =>
      edit(dir, "values/common.yaml", (text) =>
        text.replace("    localPort: 3302\n", "    localPort: 3302\n    replica: 2\n"),
      ),
    error:
      /^error: values\/common\.yaml:\d+:5 services\.ui\.replica: unknown key 'replica' \(did you mean 'replicas'\?\); expected one of: /m,
  },
  {
    name: "wrong type",
    breakIt: (dir) =>
      edit(dir, "values/common.yaml", (text) => text.replace("    enabled: false\n", "    enabled: nope\n")),
    error: /^error: values\/common\.yaml:\d+:5 services\.testdb\.enabled: expected boolean, received string$/m,
  },
  {
    name: "invalid image",
    breakIt: (dir) =>
      edit(dir, "values/common.yaml", (text) =>
        text.replace("image: postgis/postgis:12-3.1-alpine", "image: postgis/PostGIS:12 latest"),
      ),
    error:
      /^error: values\/common\.yaml:\d+:5 services\.testdb\.image: must be an image reference like registry\/name:tag or name@sha256:…$/m,
  },
  {
    name: "port out of range",
    breakIt: (dir) =>
      edit(dir, "values/common.yaml", (text) => text.replace("containerPort: 80\n", "containerPort: 80800\n")),
    error: /^error: values\/common\.yaml:\d+:5 services\.ui\.containerPort: must be a port from 1 to 65535$/m,
  },
  {
    name: "node port out of range",
    breakIt: (dir) => edit(dir, "values/common.yaml", (text) => text.replace("nodePort: 30432", "nodePort: 8080")),
    error: /^error: values\/common\.yaml:\d+:5 services\.testdb\.nodePort: must be a node port from 30000 to 32767$/m,
  },
  {
    name: "duplicate port",
    breakIt: (dir) => edit(dir, "values/common.yaml", (text) => text.replace("localPort: 3201", "localPort: 3200")),
    error:
      /^error: values\/common\.yaml:\d+:5 services\.hasura\.localPort: duplicate local port 3200: already used by services\.auth\.localPort$/m,
  },
  {
    name: "override of a service that does not exist",
    breakIt: (dir) => appendFileSync(join(dir, "values/prod.yaml"), "  hasrua:\n    image: hsldevcom/jore4-hasura:1\n"),
    error:
      /^error: values\/prod\.yaml:\d+:3 services\.hasrua: no service 'hasrua' in values\/common\.yaml: stage files may only override services declared there \(auth, hasura, ui, testdb\)$/m,
  },
  {
    name: "missing stage file",
    breakIt: (dir) => rmSync(join(dir, "values/test.yaml")),
    error:
      /^error: values\/test\.yaml:1:1: missing values file for stage test \(declared in jore4-flux\.yaml\); create it, empty if the stage overrides nothing$/m,
  },
  {
    name: "empty stage file where required fields are missing",
    breakIt: (dir) => writeFileSync(join(dir, "values/playg.yaml"), ""),
    error:
      /^ {2}values\/playg\.yaml:1:1 ingress\.host: required field is missing: AKS stage playg serves its ingress on a public host name$/m,
  },
  {
    name: "a service name that is not a DNS label",
    breakIt: (dir) =>
      edit(dir, "values/common.yaml", (text) =>
        text.replace("  ui:\n", "  UI_app:\n").replace("  testdb:\n", "  testdb:\n"),
      ),
    error:
      /^error: values\/common\.yaml:\d+:3 services\.UI_app: invalid name: must be a DNS label: lower-case letters, digits and '-', starting with a letter$/m,
  },
];

refusesBadInput("generate refuses bad input and writes nothing", cases);

describe("generate reports every problem", () => {
  it("reports several problems in one run, one line each", async () => {
    const { dir, cleanup } = temporaryRepo();
    try {
      edit(dir, "values/common.yaml", (text) => text.replace("containerPort: 80\n", "containerPort: 0\n"));
      edit(dir, "values/dev.yaml", (text) => text.replace("host: dev.jore.hsl.fi", "host: dev_jore"));
      const result = await runCli(dir, ["generate"]);
      assert.equal(result.exitCode, 2);
      assert.match(result.stderr, /^error: invalid values: 2 problems$/m);
      assert.match(
        result.stderr,
        /^ {2}values\/common\.yaml:\d+:5 services\.ui\.containerPort: must be a port from 1 to 65535$/m,
      );
      assert.match(result.stderr, /^ {2}values\/dev\.yaml:4:3 ingress\.host: must be a host name$/m);
    } finally {
      cleanup();
    }
  });
});
