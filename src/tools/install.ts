import { existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { GoTool } from "./catalog.ts";
import { cachedBinary, packageRoot, toolsBinDir } from "./paths.ts";

export type InstallOutcome = "linked" | "built" | "present";

async function build(context: Context, tool: GoTool, target: string): Promise<void> {
  // Per-process names, so two installs racing for the same tool never write the same file.
  const staging = `${target}.partial-${process.pid}`;
  const gobin = join(dirname(target), `gobin-${process.pid}`);
  const ldflags = tool.ldflags ? ["-ldflags", tool.ldflags] : [];
  const step = tool.wrapperModule
    ? {
        args: ["build", "-o", staging, ...ldflags, tool.goPackage],
        cwd: join(packageRoot, tool.wrapperModule),
        env: {},
      }
    : {
        args: ["install", ...ldflags, `${tool.goPackage}@${tool.version}`],
        cwd: dirname(target),
        env: { GOBIN: gobin },
      };
  const result = await context.run("go", step.args, { cwd: step.cwd, env: step.env });
  if (result.failed) {
    throw new Jore4FluxError(
      `building ${tool.name} ${tool.version} failed: go ${step.args.join(" ")}\n${result.all.split("\n").slice(-15).join("\n")}`,
      {
        exitCode: ExitCode.failed,
        hint: "check that Go is installed and the Go module proxy is reachable",
      },
    );
  }
  if (!tool.wrapperModule) {
    // `go install` names the binary after the package path's last element that is not a major version.
    renameSync(
      join(
        gobin,
        tool.goPackage
          .split("/")
          .filter((part) => !/^v[0-9]+$/.test(part))
          .pop()!,
      ),
      staging,
    );
    rmSync(gobin, { recursive: true, force: true });
  }
  renameSync(staging, target);
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

/** Builds a tool into the cache unless its pinned version is there, then links it into `.tools/bin`. */
export async function installTool(context: Context, root: string, tool: GoTool): Promise<InstallOutcome> {
  const target = cachedBinary(context.env, tool);
  let built = false;
  if (!existsSync(target)) {
    mkdirSync(dirname(target), { recursive: true });
    progress(context, `building ${tool.name} ${tool.version} from Go modules (a first build can take minutes)…`);
    const started = context.now().getTime();
    await build(context, tool, target);
    progress(
      context,
      `built ${tool.name} ${tool.version} in ${((context.now().getTime() - started) / 1000).toFixed(0)} s`,
    );
    built = true;
  }
  const linked = link(root, tool, target);
  return built ? "built" : linked ? "linked" : "present";
}
