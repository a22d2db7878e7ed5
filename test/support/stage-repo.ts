import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { generate } from "../../src/generate/generate.ts";
import { sharedServiceNames } from "../../src/values/load.ts";
import { diskFiles } from "../../src/io/source-files.ts";
import { setImageInText } from "../../src/values/set-image.ts";
import { runMain, type CliResult } from "./cli.ts";

/** The jore4-flux checkout these tests run from: its shipped configuration seeds every test repository. */
export const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const shippedPaths = ["jore4-flux.yaml", "values", "manifests", "clusters", "compose"];

/** Runs git in `cwd` and returns its trimmed output; throws with git's message on failure. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const result = await execa("git", args, { cwd, reject: false, env: { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" } });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${result.stderr}`);
  return String(result.stdout).trim();
}

export interface StageRepo {
  /** The temporary folder holding everything; removed by `cleanup`. */
  dir: string;
  /** The bare "remote", as a file:// URL. */
  remoteUrl: string;
  /** A working clone of the remote with the shipped configuration on main. */
  root: string;
  cleanup(): void;
}

async function configureIdentity(root: string, name: string): Promise<void> {
  await git(root, "config", "user.name", name);
  await git(root, "config", "user.email", `${name.toLowerCase().replace(/\s+/g, ".")}@example.invalid`);
  await git(root, "config", "commit.gpgsign", "false");
}

/**
 * The shipped jore4-flux.yaml without its promotion gates: a repository made here has no cluster
 * whose record could open them (the gates' own tests keep them: `createStageRepo({ gates: true })`).
 */
export const withoutGates = (text: string) => text.replace(/(\n[ ]+#[^\n]*)*\n[ ]+gate:\n[ ]+soak: [^\n]+/g, "");

/**
 * A bare remote and a clone whose main branch holds the shipped configuration (jore4-flux.yaml,
 * values/, manifests/, clusters/), committed and pushed. No stage branch exists yet.
 */
export async function createStageRepo(options: { gates?: boolean } = {}): Promise<StageRepo> {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-stage-repo-"));
  const bare = join(dir, "remote.git");
  const root = join(dir, "work");
  await execa("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  await execa("git", ["init", "--quiet", "--initial-branch=main", root]);
  await configureIdentity(root, "Alice Admin");
  for (const path of shippedPaths.filter((path) => existsSync(join(projectRoot, path))))
    cpSync(join(projectRoot, path), join(root, path), { recursive: true });
  const config = join(root, "jore4-flux.yaml");
  if (!options.gates) writeFileSync(config, withoutGates(readFileSync(config, "utf8")));
  await git(root, "add", "--all");
  await git(root, "commit", "--quiet", "-m", "Initial configuration");
  const remoteUrl = `file://${bare}`;
  await git(root, "remote", "add", "origin", remoteUrl);
  await git(root, "push", "--quiet", "--set-upstream", "origin", "main");
  return { dir, remoteUrl, root, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An independent copy of a prepared repository (remote included), so tests can share one setup. */
export async function copyStageRepo(template: StageRepo): Promise<StageRepo> {
  const dir = mkdtempSync(join(tmpdir(), "jore4-flux-stage-repo-"));
  cpSync(template.dir, dir, { recursive: true });
  const remoteUrl = `file://${join(dir, "remote.git")}`;
  const root = join(dir, "work");
  await git(root, "remote", "set-url", "origin", remoteUrl);
  return { dir, remoteUrl, root, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A second person's clone of the same remote, for diverging and force-pushing. */
export async function cloneRepo(repo: StageRepo, name: string, identity = "Bob Builder"): Promise<string> {
  const root = join(repo.dir, name);
  await execa("git", ["clone", "--quiet", repo.remoteUrl, root]);
  await configureIdentity(root, identity);
  return root;
}

/** Sets a service's image in the shared values (or a stage's file), regenerates clusters/ and commits. */
export async function commitImage(
  root: string,
  service: string,
  image: string,
  options: { stage?: string; message?: string } = {},
): Promise<string> {
  const file = `values/${options.stage ?? "common"}.yaml`;
  const path = join(root, file);
  writeFileSync(
    path,
    setImageInText(file, readFileSync(path, "utf8"), service, image, sharedServiceNames(diskFiles(root), "values")),
  );
  generate(root, { progress: () => {} });
  await git(root, "add", "--all");
  await git(root, "commit", "--quiet", "-m", options.message ?? `${service}: ${image}`);
  return git(root, "rev-parse", "HEAD");
}

/**
 * Local branches and tags, HEAD, the index and the work tree's files: equal snapshots mean nothing
 * of the user's changed. (Remote-tracking refs are left out: a fetch may legitimately move them.)
 */
export async function repositoryState(root: string): Promise<string> {
  const refs = await git(root, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/", "refs/tags/");
  const head = await git(root, "rev-parse", "--symbolic-full-name", "HEAD");
  const status = await git(root, "status", "--porcelain", "--untracked-files=all", "--ignored");
  const index = await git(root, "ls-files", "--stage");
  const files = (await git(root, "ls-files", "--cached", "--others")).split("\n").filter(Boolean);
  const contents = files.map((file) => {
    try {
      return `${file}\n${readFileSync(join(root, file), "utf8")}`;
    } catch {
      return `${file} (missing)`;
    }
  });
  return [refs, head, status, index, ...contents].join("\n---\n");
}

/** Runs the CLI in-process in the folder `cwd`, as a user would there, without a terminal. */
export async function runCli(cwd: string, ...args: string[]): Promise<CliResult> {
  return runMain(args, { cwd });
}
