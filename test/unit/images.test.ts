import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Jore4FluxError } from "../../src/errors.ts";
import { latestImageOf, newestTag, trackedImages, usableTags } from "../../src/images/latest.ts";
import { registryLocation, withTag } from "../../src/images/location.ts";
import { amd64Image, nextPageQuery, parseChallenge } from "../../src/images/registry.ts";

/** Where each image's tags are read: [host, repository, protocol], undefined for what is no image reference. */
const locations = (images: string[]) =>
  images.map((image) => {
    const location = registryLocation(image);
    return location && [location.host, location.repository, location.protocol];
  });

describe("where an image's tags are read", () => {
  it("normalises Docker Hub names as Docker does", () => {
    assert.deepEqual(locations(["hsldevcom/jore4-ui:main--1", "nginx:1.27"]), [
      ["registry-1.docker.io", "hsldevcom/jore4-ui", "https:"],
      ["registry-1.docker.io", "library/nginx", "https:"],
    ]);
    assert.equal(registryLocation("docker.io/hsldevcom/jore4-auth")?.repository, "hsldevcom/jore4-auth");
  });

  it("takes the first component as the registry when it has a dot, a port or is localhost", () => {
    assert.deepEqual(locations(["ghcr.io/hsldevcom/jore4-ui:v1", "127.0.0.1:5000/x/y:1", "[::1]:5000/x:y"]), [
      ["ghcr.io", "hsldevcom/jore4-ui", "https:"],
      ["127.0.0.1:5000", "x/y", "http:"],
      ["[::1]:5000", "x", "http:"],
    ]);
    assert.equal(registryLocation("[2001:db8::1]:5000/x:y")?.protocol, "https:");
    assert.equal(registryLocation("localhost/x:1")?.protocol, "http:");
    assert.equal(registryLocation("localhost/x:1")?.host, "localhost");
    assert.equal(registryLocation("Not An Image"), undefined);
  });

  it("replaces the tag and drops a digest", () => {
    assert.equal(withTag("hsldevcom/jore4-ui:old", "main--2"), "hsldevcom/jore4-ui:main--2");
    assert.equal(withTag(`127.0.0.1:5000/x@sha256:${"a".repeat(64)}`, "t"), "127.0.0.1:5000/x:t");
  });
});

describe("choosing the newest tag", () => {
  it("compares creation times, not tag names", () => {
    const chosen = newestTag([
      { tag: "main--zzz", created: "2026-01-01T00:00:00Z" },
      { tag: "main--aaa", created: "2026-03-01T10:00:00.123456789Z" },
      { tag: "main--mmm", created: "2026-02-01T00:00:00+02:00" },
    ]);
    assert.equal(chosen?.tag, "main--aaa");
  });

  it("breaks ties by the greater tag and has no answer for no candidates", () => {
    const at = "2026-01-01T00:00:00Z";
    assert.equal(
      newestTag([
        { tag: "main-1", created: at },
        { tag: "main-2", created: at },
      ])?.tag,
      "main-2",
    );
    assert.equal(newestTag([]), undefined);
  });

  it("says whether the values change", () => {
    const tracked = { service: "ui", image: "hsldevcom/jore4-ui:main-1", tagPrefix: "main" };
    assert.equal(latestImageOf(tracked, { tag: "main-1", created: "2026-01-01T00:00:00Z" }, 1).changed, false);
    const newer = latestImageOf(tracked, { tag: "main-2", created: "2026-01-02T00:00:00Z" }, 2);
    assert.equal(newer.changed, true);
    assert.equal(newer.latest, "hsldevcom/jore4-ui:main-2");
  });
});

describe("the services whose images are tracked", () => {
  const services = {
    ui: { image: "hsldevcom/jore4-ui:1", tagPrefix: "main" },
    hasura: { image: "hsldevcom/jore4-hasura:1", tagPrefix: "hsl-main" },
    testdb: { image: "postgis/postgis:12" },
  };

  it("are every service with a tag prefix, or the named ones", () => {
    assert.deepEqual(
      trackedImages("values/common.yaml", services, []).map((tracked) => tracked.service),
      ["ui", "hasura"],
    );
    assert.deepEqual(trackedImages("values/common.yaml", services, ["hasura"]), [
      { service: "hasura", image: "hsldevcom/jore4-hasura:1", tagPrefix: "hsl-main" },
    ]);
  });

  it("refuse unknown services and services without a prefix, as bad input", () => {
    assert.throws(
      () => trackedImages("values/common.yaml", services, ["nope", "testdb"]),
      (error: Jore4FluxError) =>
        error.exitCode === 2 && error.problems.length === 1 && /no service 'nope'/.test(error.message),
    );
    assert.throws(
      () => trackedImages("values/common.yaml", services, ["testdb"]),
      (error: Jore4FluxError) => error.exitCode === 2 && /services.testdb.tagPrefix/.test(error.message),
    );
  });
});

describe("what a registry lists", () => {
  it("keeps valid tag names once each, and counts the others", () => {
    assert.deepEqual(
      usableTags([
        "main-1",
        "main-1",
        "main x",
        "main-2\nHASURA=evil",
        "main-\u001b[2J",
        "../main",
        ".hidden",
        "main-2",
        "v1.0_rc",
      ]),
      { tags: ["main-1", "main-2", "v1.0_rc"], invalid: 5 },
    );
    assert.deepEqual(usableTags([`a${"b".repeat(127)}`, `a${"b".repeat(128)}`]).invalid, 1);
  });

  it("follows a Link rel=next by its query only, on the same endpoint", () => {
    const endpoint = new URL("https://registry.example/v2/a/b/tags/list");
    assert.equal(nextPageQuery('</v2/a/b/tags/list?n=1000&last=x>; rel="next"', endpoint), "?n=1000&last=x");
    assert.equal(nextPageQuery("<https://elsewhere.example/steal?last=y>; rel=next", endpoint), "?last=y");
    assert.equal(nextPageQuery('</v2/a/b/tags/list?n=1>; rel="prev", </x?n=2>; rel="next"', endpoint), "?n=2");
    assert.equal(nextPageQuery('</v2/a/b/tags/list?n=1>; rel="prev"', endpoint), undefined);
    assert.equal(nextPageQuery(undefined, endpoint), undefined);
  });

  it("reads a bearer challenge", () => {
    assert.deepEqual(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull"',
      ),
      {
        scheme: "bearer",
        parameters: {
          realm: "https://auth.docker.io/token",
          service: "registry.docker.io",
          scope: "repository:a/b:pull",
        },
      },
    );
    assert.equal(parseChallenge('Basic realm="x"').scheme, "basic");
  });

  it("takes the linux/amd64 image of an index, leaving attestations out", () => {
    const image = (digest: string, os: string, architecture: string, variant?: string) => ({
      digest,
      platform: { os, architecture, ...(variant ? { variant } : {}) },
    });
    assert.equal(
      amd64Image([
        image("sha256:arm", "linux", "arm64", "v8"),
        image("sha256:amd", "linux", "amd64"),
        image("sha256:att", "unknown", "unknown"),
      ]),
      "sha256:amd",
    );
    assert.equal(
      amd64Image([image("sha256:arm", "linux", "arm64"), image("sha256:att", "unknown", "unknown")]),
      "sha256:arm",
    );
    assert.equal(
      amd64Image([image("sha256:arm", "linux", "arm64"), image("sha256:s390", "linux", "s390x")]),
      undefined,
    );
  });
});

/** Cases the mutation run over src/images (npm run mutation -- --mutate 'src/images/**') found unchecked. */
describe("images: what the mutation run found unchecked", () => {
  it("plain HTTP only for a loopback host: 127.x.y.z whole, localhost, [::1]; a name that merely starts with 127 is HTTPS", () => {
    assert.equal(registryLocation("127.10.200.3:5000/x:1")?.protocol, "http:");
    assert.equal(registryLocation("127.0.0.1.nip.io/x:1")?.protocol, "https:");
    assert.equal(registryLocation("a127.0.0.1:5000/x:1")?.protocol, "https:");
    assert.equal(registryLocation("[::1]/x:1")?.protocol, "http:");
    assert.equal(registryLocation("localhost:5000/x:1")?.protocol, "http:");
  });

  it("index.docker.io is Docker Hub as docker.io is; a one-component name with a dot is an image on Docker Hub", () => {
    assert.deepEqual(locations(["index.docker.io/nginx:1", "example.com:1"]), [
      ["registry-1.docker.io", "library/nginx", "https:"],
      ["registry-1.docker.io", "library/example.com", "https:"],
    ]);
  });

  it("withTag refuses what is no image reference", () => {
    assert.throws(() => withTag("Not An Image", "v1"), /not an image reference: Not An Image/);
  });

  it("the refusals name the path and say what is wrong, one problem per service", () => {
    const services = {
      ui: { image: "hsldevcom/jore4-ui:1", tagPrefix: "main" },
      testdb: { image: "postgis/postgis:12" },
    };
    assert.throws(
      () => trackedImages("values/common.yaml", services, ["nope", "ui"]),
      (error: Jore4FluxError) => {
        assert.deepEqual(
          error.problems.map((problem) => [problem.path, problem.message]),
          [["services.nope", "no service 'nope' in values/common.yaml; services: ui, testdb"]],
        );
        return true;
      },
    );
    assert.throws(
      () => trackedImages("values/common.yaml", services, ["testdb"]),
      (error: Jore4FluxError) => {
        assert.deepEqual(
          error.problems.map((problem) => [problem.path, problem.message]),
          [
            [
              "services.testdb.tagPrefix",
              "values/common.yaml sets no tag prefix for 'testdb', so its newest image cannot be looked up",
            ],
          ],
        );
        return true;
      },
    );
  });

  it("a service with a tag prefix but no image of its own (e.g. set per stage) is not tracked", () => {
    assert.deepEqual(trackedImages("values/common.yaml", { ui: { tagPrefix: "main" } }, []), []);
  });
});
