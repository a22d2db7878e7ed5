import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { GoTool } from "./catalog.ts";
import { cachedBinary, packageRoot, toolsBinDir, toolsCacheDir } from "./paths.ts";
import { ownPid } from "../process-context.ts";

export type InstallOutcome = "linked" | "built" | "present";

/**
 * The tools to build in one go command each: those of one wrapper module together (one `go
 * build` of all their packages compiles what they share once), every other tool on its own.
 */
export function buildBatches(tools: readonly GoTool[]): GoTool[][] {
  const batches = new Map<string, GoTool[]>();
  for (const tool of tools) {
    const key = tool.wrapperModule ?? `tool:${tool.name}`;
    batches.set(key, [...(batches.get(key) ?? []), tool]);
  }
  return [...batches.values()];
}

/** The file name `go build -o <dir>/` and `go install` give a package's binary: its path's last element that is not a major version. */
const goBinaryName = (goPackage: string) =>
  goPackage
    .split("/")
    .filter((part) => !/^v[0-9]+$/.test(part))
    .pop()!;

/** Builds a batch of tools (one wrapper module, or one plain tool) into the cache in one go command. */
async function build(context: Context, batch: readonly GoTool[]): Promise<void> {
  const first = batch[0]!;
  const sameEnv = (tool: GoTool) => JSON.stringify(tool.env ?? {}) === JSON.stringify(first.env ?? {});
  if (batch.some((tool) => tool.ldflags !== first.ldflags || tool.version !== first.version || !sameEnv(tool)))
    throw new Error(
      `tools built together must share version, ldflags and env: ${batch.map((tool) => tool.name).join(", ")}`,
    );
  mkdirSync(toolsCacheDir(context.env), { recursive: true });
  // A per-process folder, so two installs racing for the same tool never write the same file.
  const staging = mkdtempSync(join(toolsCacheDir(context.env), `staging-${ownPid}-`));
  try {
    const ldflags = first.ldflags ? ["-ldflags", first.ldflags] : [];
    const step = first.wrapperModule
      ? {
          args: ["build", "-o", `${staging}/`, ...ldflags, ...batch.map((tool) => tool.goPackage)],
          cwd: join(packageRoot, first.wrapperModule),
          env: { ...first.env },
        }
      : {
          args: ["install", ...ldflags, `${first.goPackage}@${first.version}`],
          cwd: staging,
          env: { ...first.env, GOBIN: staging },
        };
    const result = await context.run("go", step.args, { cwd: step.cwd, env: step.env });
    if (result.failed) {
      throw new Jore4FluxError(
        `building ${batch.map((tool) => tool.name).join(", ")} ${first.version} failed: go ${step.args.join(" ")}\n${result.all.split("\n").slice(-15).join("\n")}`,
        {
          exitCode: ExitCode.failed,
          hint: "check that Go is installed and the Go module proxy is reachable",
        },
      );
    }
    for (const tool of batch) {
      const target = cachedBinary(context.env, tool);
      mkdirSync(dirname(target), { recursive: true });
      renameSync(join(staging, goBinaryName(tool.goPackage)), target);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function link(root: string, tool: GoTool, target: string): boolean {
  const linkPath = join(toolsBinDir(root), tool.name);
  mkdirSync(toolsBinDir(root), { recursive: true });
  const present = existsSync(linkPath) || lstatSync(linkPath, { throwIfNoEntry: false }) !== undefined;
  if (present && lstatSync(linkPath).isSymbolicLink() && readlinkSync(linkPath) === target) return false;
  if (present) rmSync(linkPath, { force: true });
  symlinkSync(target, linkPath);
  return true;
}

/**
 * Builds into the cache the tools whose pinned version is not there (each batch in one go
 * command), then links every tool into `.tools/bin`. Returns what happened to each, by name.
 */
export async function installTools(
  context: Context,
  root: string,
  tools: readonly GoTool[],
): Promise<Map<string, InstallOutcome>> {
  const built = new Set<string>();
  for (const batch of buildBatches(tools.filter((tool) => !existsSync(cachedBinary(context.env, tool))))) {
    const what = `${batch.map((tool) => tool.name).join(", ")} ${batch[0]!.version}`;
    progress(context, `building ${what} from Go modules (a first build can take minutes)…`);
    const started = context.now().getTime();
    await build(context, batch);
    progress(context, `built ${what} in ${((context.now().getTime() - started) / 1000).toFixed(0)} s`);
    for (const tool of batch) built.add(tool.name);
  }
  return new Map(
    tools.map((tool) => {
      const linked = link(root, tool, cachedBinary(context.env, tool));
      return [tool.name, built.has(tool.name) ? "built" : linked ? "linked" : "present"];
    }),
  );
}
