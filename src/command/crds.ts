import { buildCrdFiles } from "../cluster/crds-build.ts";
import type { Context } from "../context.ts";
import { applyFiles, crdsDir, planFiles } from "../generate/committed.ts";
import { reportPlan } from "./report.ts";
import { repositoryRoot, type GlobalOptions } from "./shell.ts";

async function build(options: GlobalOptions & { check?: true | undefined }, context: Context): Promise<void> {
  const root = repositoryRoot(context, options);
  const plan = planFiles(root, await buildCrdFiles(context, root), [crdsDir]);
  if (!options.check) applyFiles(root, plan, crdsDir);
  reportPlan(context, plan, { check: options.check ?? false, what: "crds/", fix: "npx jore4-flux crds build" });
}

export const run = { build };
