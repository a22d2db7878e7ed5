import { createHash } from "node:crypto";
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { toolsBinDir } from "../../src/tools/paths.ts";
import type { DockerEngine } from "./docker-engine.ts";

/**
 * The images the e2e bundle runs on in the tests, made offline (nothing is pulled, there is no
 * registry): a real PostgreSQL 15 with PostGIS 3 for testdb (the official postgres image's
 * environment contract, postgres-entrypoint.sh), a real nginx for the proxy, and the contract
 * stand-in (tools/go/e2e-standin) for auth, hasura and ui.
 *
 * All five stand on ONE Debian bookworm root file system made by `debootstrap --variant=minbase`
 * with PostgreSQL, PostGIS, nginx-light, wget and curl (the healthchecks' clients), from the mirror of
 * the machine's apt sources: one debootstrap (minutes) instead of one per image. It is kept as a
 * tarball in ~/.cache/jore4-flux/images/rootfs-<digest>.tar (or $JORE4_FLUX_IMAGES_CACHE), the
 * digest being that of its inputs (suite, packages, mirror, the changes made to it), so it is
 * made again only when an input changed. Each test run `docker import`s it into its own fresh
 * engine and builds the five images on it with `DOCKER_BUILDKIT=0 docker build` from a few
 * lines each (COPY, ENV, ENTRYPOINT, CMD, STOPSIGNAL, LABEL: no step runs a container).
 *
 * Why a tarball and an import per run rather than a data-root kept in the cache: a data-root
 * belongs to one daemon at a time (a second test run, the bench or the kind tests would wait for
 * it or corrupt it) and keeps whatever a killed run left in it (containers, networks, volumes);
 * a fresh engine per run starts clean, and the import costs seconds (`timings` says how many).
 * The tarball is also what the kind tests can import into their engine.
 */

export type E2eService = "testdb" | "proxy" | "auth" | "hasura" | "ui";

export interface E2eImages {
  /** The image reference of each service in the engine, e.g. `jore4-e2e/hasura:<digest>`. */
  images: Record<E2eService, string>;
  /** The root file system this run used, and the package versions in it. */
  rootfs: RootfsBuild;
  timings: {
    /** Getting the root file system: a cache hit (≈0) or a debootstrap. */
    rootfsSeconds: number;
    rootfsCached: boolean;
    importSeconds: number;
    buildSeconds: number;
    totalSeconds: number;
  };
}

export interface RootfsBuild {
  digest: string;
  tarball: string;
  /** When and how long the debootstrap that made it took (what a cold run spends). */
  builtAt: string;
  buildSeconds: number;
  bytes: number;
  packages: Record<string, string>;
}

const suite = "bookworm";
/**
 * Debian 12's PostgreSQL (15; the bundle's 12 is not in bookworm), its PostGIS, nginx, and the
 * healthchecks' clients: `wget -q … || curl -fsS …` fails quietly with wget alone, curl says why.
 */
const packages = ["postgresql-15", "postgresql-15-postgis-3", "nginx-light", "wget", "curl"];
const debootstrapSeconds = 30 * 60;
const staleDays = 14;
const tarSeconds = 5 * 60;

/**
 * Changes made to the debootstrapped tree, as data (part of the digest): what the official images
 * do beside the packages. The package-made cluster goes (the entrypoint makes one in PGDATA); the
 * Debian site goes (it would take port 80's default server from the bundle's nginx.conf); nginx
 * logs to the container's output as the official nginx image does.
 */
const removed = [
  "etc/postgresql/15",
  "var/lib/postgresql/15",
  "etc/nginx/sites-enabled/default",
  "var/cache/apt/archives",
  "var/lib/apt/lists",
  "usr/share/doc",
  "usr/share/man",
];
const linked: Record<string, string> = {
  "var/log/nginx/access.log": "/dev/stdout",
  "var/log/nginx/error.log": "/dev/stderr",
};
/** Folders PostgreSQL needs, owned by its user (the official image's PGDATA and socket folder). */
const postgresFolders: Record<string, number> = { "var/lib/postgresql/data": 0o700, "run/postgresql": 0o2775 };

const entrypoint = fileURLToPath(new URL("./e2e-images/postgres-entrypoint.sh", import.meta.url));

export function imagesCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.JORE4_FLUX_IMAGES_CACHE ??
    join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), ".cache"), "jore4-flux", "images")
  );
}

/**
 * The Debian mirror of the machine's apt sources (one-line sources.list entries or deb822
 * .sources files): the first archive that is not the security one.
 */
export function debianMirror(): string {
  const files = [
    "/etc/apt/sources.list",
    ...(existsSync("/etc/apt/sources.list.d")
      ? readdirSync("/etc/apt/sources.list.d")
          .filter((name) => name.endsWith(".list") || name.endsWith(".sources"))
          .sort()
          .map((name) => join("/etc/apt/sources.list.d", name))
      : []),
  ].filter((file) => existsSync(file));
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const uris = file.endsWith(".sources")
      ? [...text.matchAll(/^URIs:\s*(\S+)/gm)].map((match) => match[1]!)
      : [...text.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/gm)].map((match) => match[1]!);
    const archive = uris.find((uri) => /^https?:\/\//.test(uri) && !uri.includes("security"));
    if (archive) return archive;
  }
  throw new Error("no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d: debootstrap needs one");
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function rootfsDigest(mirror: string): string {
  return sha256(
    JSON.stringify({ suite, packages, mirror, removed, linked, postgresFolders, variant: "minbase" }),
  ).slice(0, 16);
}

function readMeta(file: string): RootfsBuild | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as RootfsBuild;
  } catch {
    return undefined;
  }
}

function userIds(root: string, user: string): { uid: number; gid: number } {
  const line = readFileSync(join(root, "etc/passwd"), "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${user}:`));
  if (!line) throw new Error(`the root file system has no user ${user}`);
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Mounts debootstrap may leave under `dir` when it fails (proc, sys), deepest first. */
function unmountUnder(dir: string): void {
  const points = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => !!point && point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) spawnSync("umount", ["-l", point]);
}

/**
 * The root file system tarball for the current inputs: from the cache, or made now by debootstrap
 * (bounded) and kept. A per-process staging folder, renamed into place, so racing runs never
 * write the same file.
 */
export async function ensureRootfs(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ build: RootfsBuild; cached: boolean }> {
  const cache = imagesCacheDir(env);
  const mirror = debianMirror();
  const digest = rootfsDigest(mirror);
  const tarball = join(cache, `rootfs-${digest}.tar`);
  const metaFile = join(cache, `rootfs-${digest}.json`);
  const cachedMeta = readMeta(metaFile);
  if (cachedMeta && existsSync(tarball)) {
    // Its time says when it was last used: a new build removes the ones unused for a while.
    const now = new Date();
    utimesSync(tarball, now, now);
    return { build: cachedMeta, cached: true };
  }
  if (!existsSync("/usr/sbin/debootstrap"))
    throw new Error("debootstrap is missing: install it (scripts/install-test-deps.sh, run by npm test's pretest)");
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(cache, `staging-${process.pid}-`));
  const root = join(staging, "root");
  const started = performance.now();
  try {
    const made = await execa(
      "/usr/sbin/debootstrap",
      ["--variant=minbase", `--include=${packages.join(",")}`, suite, root, mirror],
      {
        all: true,
        reject: false,
        timeout: debootstrapSeconds * 1000,
        env: { ...env, DEBIAN_FRONTEND: "noninteractive" },
      },
    );
    if (made.exitCode !== 0)
      throw new Error(
        `debootstrap of the e2e images' root file system failed (${made.timedOut ? `over ${debootstrapSeconds} s` : `exit ${made.exitCode}`}):\n${String(made.all).split("\n").slice(-20).join("\n")}\n${existsSync(join(root, "debootstrap/debootstrap.log")) ? readFileSync(join(root, "debootstrap/debootstrap.log"), "utf8").split("\n").slice(-20).join("\n") : ""}`,
      );
    for (const path of removed) rmSync(join(root, path), { recursive: true, force: true });
    for (const [path, target] of Object.entries(linked)) {
      rmSync(join(root, path), { force: true });
      symlinkSync(target, join(root, path));
    }
    const postgres = userIds(root, "postgres");
    for (const [path, mode] of Object.entries(postgresFolders)) {
      mkdirSync(join(root, path), { recursive: true, mode });
      chownSync(join(root, path), postgres.uid, postgres.gid);
    }
    const versions = await execa("dpkg-query", [`--admindir=${join(root, "var/lib/dpkg")}`, "-W", ...packages]);
    const packageVersions = Object.fromEntries(
      String(versions.stdout)
        .split("\n")
        .map((line) => line.split("\t") as [string, string]),
    );
    const staged = join(staging, "rootfs.tar");
    // The kernel's own trees are mounted by the engine at run time: none of their content is kept.
    await execa(
      "tar",
      [
        "--numeric-owner",
        "--exclude=./proc/*",
        "--exclude=./sys/*",
        "--exclude=./dev/*",
        "-C",
        root,
        "-cf",
        staged,
        ".",
      ],
      { timeout: tarSeconds * 1000 },
    );
    const build: RootfsBuild = {
      digest,
      tarball,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((performance.now() - started) / 100) / 10,
      bytes: statSync(staged).size,
      packages: packageVersions,
    };
    renameSync(staged, tarball);
    writeFileSync(metaFile, `${JSON.stringify(build, null, 2)}\n`);
    // Root file systems of other inputs (another branch's) stay while in use; after two weeks unused they go.
    for (const name of readdirSync(cache).filter(
      (entry) => /^rootfs-\w+\.tar$/.test(entry) && entry !== `rootfs-${digest}.tar`,
    ))
      if (Date.now() - statSync(join(cache, name)).mtimeMs > staleDays * 24 * 3600 * 1000)
        for (const file of [name, name.replace(/\.tar$/, ".json")]) rmSync(join(cache, file), { force: true });
    return { build, cached: false };
  } finally {
    unmountUnder(staging);
    rmSync(staging, { recursive: true, force: true });
  }
}

interface ImageRecipe {
  /** Dockerfile lines after FROM. */
  lines: string[];
  /** Files of the build context: name → source path. */
  files: Record<string, string>;
}

/** A stand-in: the static binary, run for one service on the real image's port. */
function standIn(service: "auth" | "hasura" | "ui", port: number, standin: string): ImageRecipe {
  return {
    files: { "e2e-standin": standin },
    lines: [
      "COPY e2e-standin /usr/local/bin/e2e-standin",
      `EXPOSE ${port}`,
      `ENTRYPOINT ["/usr/local/bin/e2e-standin", "${service}"]`,
    ],
  };
}

function recipes(root: string, rootfs: RootfsBuild): Record<E2eService, ImageRecipe> {
  const standin = realpathSync(join(toolsBinDir(root), "e2e-standin"));
  const pg = rootfs.packages;
  return {
    testdb: {
      files: { "docker-entrypoint.sh": entrypoint },
      lines: [
        "COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
        "ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "ENV PGDATA=/var/lib/postgresql/data LANG=C.UTF-8",
        `LABEL org.opencontainers.image.title="jore4 e2e testdb (Debian PostgreSQL + PostGIS)" org.opencontainers.image.version="postgresql-15 ${pg["postgresql-15"]}, postgis ${pg["postgresql-15-postgis-3"]}"`,
        "USER postgres",
        "EXPOSE 5432",
        // As the official image: SIGINT is PostgreSQL's fast shutdown.
        "STOPSIGNAL SIGINT",
        'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
        'CMD ["postgres"]',
      ],
    },
    proxy: {
      files: {},
      lines: [
        `LABEL org.opencontainers.image.title="jore4 e2e proxy (Debian nginx)" org.opencontainers.image.version="nginx-light ${pg["nginx-light"]}"`,
        "EXPOSE 80",
        // As the official image: SIGQUIT lets nginx finish its requests.
        "STOPSIGNAL SIGQUIT",
        'CMD ["nginx", "-g", "daemon off;"]',
      ],
    },
    auth: standIn("auth", 8080, standin),
    hasura: standIn("hasura", 8080, standin),
    ui: standIn("ui", 80, standin),
  };
}

/**
 * Makes the e2e images in `engine`: the cached root file system (made first if its inputs
 * changed), imported, and the five images built on it. Bounded: every docker step has the engine's deadline.
 */
export async function buildE2eImages(engine: DockerEngine, root: string): Promise<E2eImages> {
  const started = performance.now();
  const { build: rootfs, cached } = await ensureRootfs();
  const rootfsSeconds = (performance.now() - started) / 1000;
  const base = `jore4-e2e/rootfs:${rootfs.digest}`;
  const importStarted = performance.now();
  await engine.docker(["import", rootfs.tarball, base]);
  const importSeconds = (performance.now() - importStarted) / 1000;
  const buildStarted = performance.now();
  const images = {} as Record<E2eService, string>;
  const contexts = mkdtempSync(join(tmpdir(), "jore4-flux-image-contexts-"));
  try {
    const builds = (Object.entries(recipes(root, rootfs)) as [E2eService, ImageRecipe][]).map(([service, recipe]) => {
      const dockerfile = [`FROM ${base}`, ...recipe.lines, ""].join("\n");
      const hash = createHash("sha256").update(dockerfile);
      for (const [name, source] of Object.entries(recipe.files).sort())
        hash.update(`\0${name}\0`).update(readFileSync(source));
      const reference = `jore4-e2e/${service}:${hash.digest("hex").slice(0, 16)}`;
      const context = join(contexts, service);
      mkdirSync(context);
      writeFileSync(join(context, "Dockerfile"), dockerfile);
      for (const [name, source] of Object.entries(recipe.files)) copyFileSync(source, join(context, name));
      images[service] = reference;
      return { reference, context };
    });
    // Together: each is a few metadata steps and one small layer, mostly waiting on the daemon.
    await Promise.all(
      builds.map(({ reference, context }) =>
        engine.docker(["build", "--quiet", "--tag", reference, context], { env: { DOCKER_BUILDKIT: "0" } }),
      ),
    );
  } finally {
    rmSync(contexts, { recursive: true, force: true });
  }
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  return {
    images,
    rootfs,
    timings: {
      rootfsSeconds,
      rootfsCached: cached,
      importSeconds,
      buildSeconds,
      totalSeconds: (performance.now() - started) / 1000,
    },
  };
}
