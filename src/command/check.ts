import { loadProjectConfig } from "../config/load.ts";
import { print, printJson, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { renderProject } from "../generate/render-project.ts";
import { diskFiles } from "../io/source-files.ts";
import { restoreInterrupted } from "../io/tree.ts";
import { openStore } from "../store/store.ts";
import { allRules, checkProject, checkReport, errorCount } from "../validate/check.ts";
import { kustomizeStages } from "../validate/kustomized.ts";
import { formatReport, formatRules, summarize } from "../validate/report.ts";
import { kustomizeBuildRule } from "../validate/rules/kustomize-build.ts";
import { SchemaIndex } from "../validate/schema-index.ts";
import { loadStoredSchemas } from "../validate/schema-store.ts";
import { repositoryRoot, type GlobalOptions } from "./shell.ts";

export async function run(
  options: GlobalOptions & { stages: string[]; json?: true | undefined; rules?: true | undefined; kustomize: boolean },
  context: Context,
): Promise<void> {
  const { stages } = options;
  const root = repositoryRoot(context, options);
  if (options.rules) {
    const rules = allRules(new SchemaIndex(loadStoredSchemas()));
    if (options.json) printJson(context, rules);
    else print(context, formatRules(rules));
    return;
  }
  const repository = diskFiles(root);
  const { config } = loadProjectConfig(repository);
  restoreInterrupted(root, [config.paths.clusters, config.paths.compose], (line) => progress(context, line));
  const compare = options.kustomize && config.check.severity[kustomizeBuildRule.id] !== "off";
  const dirs = new Map(
    config.stages
      .filter((stage) => stages.length === 0 || stages.includes(stage.name))
      .map((stage) => [stage.name, `${config.paths.clusters}/${stage.name}`]),
  );
  // kustomize builds on another core while this process renders and checks.
  const building = compare ? kustomizeStages(context, root, dirs) : undefined;
  // Awaited below; a render error thrown first must not leave the builds' failure unhandled.
  building?.catch(() => undefined);
  if (!compare)
    progress(context, `skipped the ${kustomizeBuildRule.id} rule: stages were not compared with kustomize build`);
  const store = openStore(context);
  const schemas = loadStoredSchemas(store);
  const rendering = renderProject(repository);
  const checked = checkProject(repository, rendering, schemas, {
    only: stages,
    comparing: building !== undefined,
  });
  const report = checkReport(checked, await building);
  schemas.keepCompiledCode?.();
  if (options.json) printJson(context, { ...summarize(report), ...report });
  else print(context, formatReport(report));
  const errors = errorCount(report);
  if (errors > 0) throw new Jore4FluxError(`check found ${errors} errors`, { exitCode: ExitCode.findings });
}
