import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { buildCrdFiles } from "../../cluster/crds-build.ts";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { repositoryRoot } from "../context.ts";
import { progress, type Context } from "../../context.ts";

export function crdsCommand(context: Context): Command {
  const crds = new Command("crds").description(
    "the committed cluster prerequisites in crds/ (Flux, Secrets Store CSI driver CRDs, ingress-nginx for kind)",
  );
  crds
    .command("build")
    .description("reassemble crds/ from the pinned Go modules (go mod download + kustomize build)")
    .option("--check", "write nothing; exit 1 when crds/ differs from what the pins produce")
    .addHelpText("after", "\nExamples:\n  $ jore4-flux crds build\n  $ jore4-flux crds build --check")
    .action(async (options: { check?: boolean }, command: Command) => {
      const root = repositoryRoot(context, command);
      const files = await buildCrdFiles(context, root);
      const stale = Object.entries(files).filter(
        ([path, text]) => !existsSync(join(root, path)) || readFileSync(join(root, path), "utf8") !== text,
      );
      for (const [path, text] of stale) {
        progress(context, `${options.check ? "stale" : "written"}: ${path}`);
        if (!options.check) {
          mkdirSync(dirname(join(root, path)), { recursive: true });
          writeFileSync(join(root, path), text);
        }
      }
      progress(context, `${stale.length} of ${Object.keys(files).length} files ${options.check ? "stale" : "written"}`);
      if (options.check && stale.length > 0)
        throw new Jore4FluxError("crds/ is stale", {
          exitCode: ExitCode.findings,
          hint: "run `npx jore4-flux crds build` and commit the result",
        });
    });
  return crds;
}
