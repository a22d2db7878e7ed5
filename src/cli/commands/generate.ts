import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { printJson, type Context } from "../../context.ts";
import { repositoryRoot, writeOptions } from "../context.ts";
import { checkOption, jsonOption } from "../options.ts";
import type { GeneratePlan } from "../../generate/plan.ts";
import { openStore, type Store } from "../../store/store.ts";

const fix = { what: "clusters/", fix: "npx jore4-flux generate" };

/**
 * The last up-to-date check of this build, while it stands (read without loading the renderer).
 * It never stands over a stage folder a stopped run left moved aside (the listing of clusters/
 * differs from the one it was kept with), so checkProject then moves it back first.
 */
async function standingCheck(root: string, store: Store): Promise<GeneratePlan | undefined> {
  if (store.build === undefined) return undefined;
  const { standingUpToDate } = await import("../../generate/up-to-date-entry.ts");
  const standing = standingUpToDate(store, root);
  return standing && { writes: [], removals: [], ...standing };
}

async function planned(root: string, check: boolean, context: Context): Promise<GeneratePlan> {
  const { checkProject, generate } = await import("../../generate/generate.ts");
  const options = writeOptions(context);
  return check ? checkProject(root, openStore(context), options.progress) : generate(root, options);
}

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
      const { isUpToDate } = await import("../../generate/plan.ts");
      const check = options.check ?? false;
      const root = repositoryRoot(context, command);
      const plan = (check && (await standingCheck(root, openStore(context)))) || (await planned(root, check, context));
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
