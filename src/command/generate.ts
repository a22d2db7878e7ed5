import { printJson, type Context } from "../context.ts";
import { isUpToDate, type GeneratePlan } from "../generate/plan.ts";
import { standingUpToDate } from "../generate/up-to-date-entry.ts";
import { openStore, type Store } from "../store/store.ts";
import { failStale, reportPlan } from "./report.ts";
import { repositoryRoot, writeOptions, type GlobalOptions } from "./shell.ts";

const fix = { what: "clusters/", fix: "npx jore4-flux generate" };

/**
 * The last up-to-date check of this build, while it stands. It never stands over a stage folder
 * a stopped run left moved aside (the listing of clusters/ differs from the one it was kept
 * with), so checkProject then moves it back first.
 */
function standingCheck(root: string, store: Store): GeneratePlan | undefined {
  if (store.build === undefined) return undefined;
  const standing = standingUpToDate(store, root);
  return standing && { writes: [], removals: [], ...standing };
}

/**
 * The renderer is loaded only here, when no kept answer stands: the one lazy import left in a
 * command's core, because a standing `generate --check` (the pre-commit hook's) needs none of it.
 */
async function planned(root: string, store: Store, check: boolean, context: Context): Promise<GeneratePlan> {
  const { checkProject, generate } = await import("../generate/generate.ts");
  return check ? checkProject(root, store, writeOptions(context).progress) : generate(root, writeOptions(context));
}

export async function run(
  options: GlobalOptions & { check?: true | undefined; json?: true | undefined },
  context: Context,
): Promise<void> {
  const check = options.check ?? false;
  const root = repositoryRoot(context, options);
  const store = openStore(context);
  const plan = (check && standingCheck(root, store)) || (await planned(root, store, check, context));
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
}
