import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { printJson, type Context } from "../../context.ts";
import { repositoryRoot, writeOptions } from "../context.ts";
import { checkOption, jsonOption } from "../options.ts";

const fix = { what: "clusters/", fix: "npx jore4-flux generate" };

export function generateCommand(context: Context): CommandUnknownOpts {
  return new Command("generate")
    .description(
      "render every stage's manifests into clusters/<stage>/ (validated in memory first; nothing is written on error)",
    )
    .addOption(checkOption("clusters/"))
    .addOption(jsonOption("print the plan as JSON"))
    .addHelpText("after", "\nExamples:\n  $ jore4-flux generate\n  $ jore4-flux generate --check   # in CI")
    .action(async (options, command) => {
      const { failStale, reportPlan } = await import("../committed.ts");
      const { generate } = await import("../../generate/generate.ts");
      const { isUpToDate } = await import("../../generate/plan.ts");
      const check = options.check ?? false;
      const root = repositoryRoot(context, command);
      const plan = check ? generate(root, { write: false }) : generate(root, { write: true, ...writeOptions(context) });
      if (!options.json) return reportPlan(context, plan, { check, ...fix });
      printJson(context, {
        upToDate: isUpToDate(plan),
        written: plan.writes.map((write) => ({
          path: write.path,
          change: write.previous === undefined ? "created" : "changed",
        })),
        removed: plan.removals.map((file) => file.path),
        unchanged: plan.unchanged.length,
        foreign: plan.foreign,
      });
      if (check && !isUpToDate(plan)) failStale(context, plan, { ...fix, json: true });
    });
}
