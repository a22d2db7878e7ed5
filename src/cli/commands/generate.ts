import { Command } from "commander";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { generate } from "../../generate/generate.ts";
import { isUpToDate, planDiff } from "../../generate/plan.ts";
import { repositoryRoot } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";

export function generateCommand(context: Context): Command {
  return new Command("generate")
    .description(
      "render every stage's manifests into clusters/<stage>/ (validated in memory first; nothing is written on error)",
    )
    .option(
      "--check",
      "write nothing; exit 1 when clusters/ is stale, listing missing, extra and changed files with a diff",
    )
    .option("--json", "print the plan as JSON")
    .addHelpText("after", "\nExamples:\n  $ jore4-flux generate\n  $ jore4-flux generate --check   # in CI")
    .action((options: { check?: boolean; json?: boolean }, command: Command) => {
      const root = repositoryRoot(context, command);
      const plan = generate(root, { write: !options.check });
      const summary = {
        written: plan.writes.map((write) => ({
          path: write.path,
          change: write.previous === undefined ? "created" : "changed",
        })),
        removed: plan.removals.map((file) => file.path),
        unchanged: plan.unchanged.length,
        foreign: plan.foreign,
      };
      if (options.json) printJson(context, { upToDate: isUpToDate(plan), ...summary });
      else {
        const verb = options.check
          ? { created: "missing", changed: "changed", removed: "extra" }
          : { created: "created", changed: "updated", removed: "removed" };
        for (const write of summary.written)
          progress(context, `${verb[write.change as "created" | "changed"]}: ${write.path}`);
        for (const path of summary.removed) progress(context, `${verb.removed}: ${path}`);
        for (const path of summary.foreign) progress(context, `not generated, left alone: ${path}`);
        progress(
          context,
          `${summary.written.length + summary.removed.length} files ${options.check ? "stale" : "written or removed"}, ${summary.unchanged} unchanged`,
        );
      }
      if (options.check && !isUpToDate(plan)) {
        if (!options.json) print(context, planDiff(plan));
        throw new Jore4FluxError("clusters/ is stale", {
          exitCode: ExitCode.findings,
          hint: "run `npx jore4-flux generate` and commit the result",
        });
      }
    });
}
