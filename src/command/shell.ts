import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { openSession } from "../cluster/session.ts";
import { loadProjectConfig } from "../config/load.ts";
import type { ProjectConfig } from "../config/project.ts";
import { projectConfigFile } from "../config/project-file.ts";
import { progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { WriteOptions } from "../generate/generate.ts";
import { Git } from "../git/git.ts";
import { diskFiles } from "../io/source-files.ts";
import type { ImageOverride } from "../values/image-reference.ts";

/** The options every command has (the root command's `-C, --dir <path>`). */
export interface GlobalOptions {
  readonly dir?: string | undefined;
}

/** Finds the repository root: the folder given, or the nearest one up from it holding jore4-flux.yaml. */
export function findRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, projectConfigFile))) return dir;
    if (dirname(dir) === dir) break;
  }
  throw new Jore4FluxError(`no ${projectConfigFile} in ${resolve(start)} or any folder above it`, {
    exitCode: ExitCode.invalid,
    hint: "run inside the jore4-flux repository, or name it with --dir",
  });
}

/** The repository a command works on: `--dir` (relative to the context's folder), or the one around it. */
export function repositoryRoot(context: Context, options: GlobalOptions): string {
  return findRoot(resolve(context.cwd, options.dir ?? "."));
}

/** The repository of a command that moves its branches: its git and its configuration. */
export function openRepository(context: Context, options: GlobalOptions): { git: Git; config: ProjectConfig } {
  const root = repositoryRoot(context, options);
  return { git: new Git(context.run, root), config: loadProjectConfig(diskFiles(root)).config };
}

/** The options of every command that moves branches (`branchMoveOptions`, src/cli/options.ts). */
export interface BranchMoveOptions {
  push?: true | undefined;
  yes?: true | undefined;
  fetch: boolean;
  json?: true | undefined;
}

/** What the promotion modules take of a branch-moving command's options. */
export function branchMove(options: BranchMoveOptions, context: Context) {
  return { push: Boolean(options.push), fetch: options.fetch, context, yes: options.yes };
}

/** How a command that writes clusters/ reports (waiting for the lock), and the kill tests' hold point. */
export function writeOptions(context: Context): WriteOptions {
  return { progress: (line) => progress(context, line), hold: context.env.JORE4_FLUX_TEST_HOLD };
}

/** The cluster session of a command; with `json`, a dry run's script goes to stderr (stdout holds the JSON). */
export function sessionFor(context: Context, options: GlobalOptions & { dryRun?: boolean; json?: boolean }) {
  return openSession(context, repositoryRoot(context, options), {
    dryRun: options.dryRun ?? false,
    json: options.json ?? false,
  });
}

/** The options of `clusterOptions` (src/cli/options.ts). */
export interface ClusterOptions {
  cluster?: string | undefined;
  setImage: ImageOverride[];
  serverDryRun?: true | undefined;
  prune?: true | undefined;
  wait: boolean;
  timeout: number;
}

/** What `deploy cluster`, `kind up` and `kind deploy` take from their options. */
export function clusterDeployOptions(options: ClusterOptions) {
  return {
    cluster: options.cluster,
    images: options.setImage,
    serverDryRun: options.serverDryRun ?? false,
    prune: options.prune ?? false,
    wait: options.wait,
    timeoutSeconds: options.timeout,
  };
}
