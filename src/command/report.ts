import { print, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { isUpToDate, planDiff, type GeneratePlan } from "../generate/plan.ts";

/**
 * How every command over committed generated files reports (generate, crds build, schemas
 * update, toc): one line per file on stderr (`missing:`, `changed:`, `extra:` with --check;
 * `created:`, `updated:`, `removed:` otherwise), a count, and with --check a unified diff on
 * stdout and exit code 1 when anything is stale.
 */
export function reportPlan(
  context: Context,
  plan: GeneratePlan,
  options: { check: boolean; what: string; fix: string },
): void {
  const verb = options.check
    ? { created: "missing", changed: "changed", removed: "extra" }
    : { created: "created", changed: "updated", removed: "removed" };
  for (const write of plan.writes)
    progress(context, `${write.previous === undefined ? verb.created : verb.changed}: ${write.path}`);
  for (const file of plan.removals) progress(context, `${verb.removed}: ${file.path}`);
  for (const path of plan.foreign) progress(context, `not generated, left alone: ${path}`);
  progress(
    context,
    `${plan.writes.length + plan.removals.length} files ${options.check ? "stale" : "written or removed"}, ${plan.unchanged.length} unchanged`,
  );
  if (options.check && !isUpToDate(plan)) failStale(context, plan, options);
}

/** The --check failure: the diff on stdout (unless it carries JSON), exit code 1 with the command that fixes it. */
export function failStale(
  context: Context,
  plan: GeneratePlan,
  options: { what: string; fix: string; json?: boolean },
): never {
  if (!options.json) print(context, planDiff(plan));
  throw new Jore4FluxError(`${options.what} is stale`, {
    exitCode: ExitCode.findings,
    hint: `run \`${options.fix}\` and commit the result`,
  });
}
