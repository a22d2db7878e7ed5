import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { repositoryRoot } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";
import { jsonOption } from "../options.ts";

export function checkCommand(context: Context): CommandUnknownOpts {
  return new Command("check")
    .description(
      "validate the rendered stages offline: schemas, references inside each stage, safety rules, stage parity, and that clusters/ is up to date",
    )
    .argument("[stages...]", "stages to check (default: all)")
    .addOption(jsonOption("print the findings as JSON"))
    .option("--rules", "list the rules (id, default severity, what each checks) and exit")
    .option("--no-kustomize", "skip the kustomize-build rule (comparing each stage with its real `kustomize build`)")
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 no errors (warnings and waived findings are printed), 1 errors found, 2 bad usage or unreadable input.",
        "Waive a rule for one service's objects in the values: services.<name>.waivers: [{rule: <id>, reason: <why>}].",
        "Change a rule's severity in jore4-flux.yaml: check: {severity: {resources: error}}.",
        "",
        "Examples:",
        "  $ jore4-flux check",
        "  $ jore4-flux check prod --json",
        "  $ jore4-flux check --rules",
      ].join("\n"),
    )
    .action(async (stages, options, command) => {
      const { diskFiles } = await import("../../io/source-files.ts");
      const { kustomizeStages } = await import("../../validate/kustomized.ts");
      const { kustomizeBuildRule } = await import("../../validate/rules/kustomize-build.ts");
      const { loadProjectConfig } = await import("../../config/load.ts");
      const root = repositoryRoot(context, command);
      if (options.rules) {
        const { allRules } = await import("../../validate/check.ts");
        const { formatRules } = await import("../../validate/report.ts");
        const { loadStoredSchemas } = await import("../../validate/schema-store.ts");
        const { SchemaIndex } = await import("../../validate/schema-index.ts");
        const rules = allRules(new SchemaIndex(loadStoredSchemas()));
        if (options.json) printJson(context, rules);
        else print(context, formatRules(rules));
        return;
      }
      const repository = diskFiles(root);
      const { config } = loadProjectConfig(repository);
      const { restoreInterrupted } = await import("../../io/tree.ts");
      restoreInterrupted(root, [config.paths.clusters, config.paths.compose], (line) => progress(context, line));
      const compare = options.kustomize && config.check.severity[kustomizeBuildRule.id] !== "off";
      const dirs = new Map(
        config.stages
          .filter((stage) => stages.length === 0 || stages.includes(stage.name))
          .map((stage) => [stage.name, `${config.paths.clusters}/${stage.name}`]),
      );
      // kustomize builds on another core while this process loads the rest, renders and checks.
      const building = compare ? kustomizeStages(context, root, dirs) : undefined;
      // Awaited below; a render error thrown first must not leave the builds' failure unhandled.
      building?.catch(() => undefined);
      if (!compare)
        progress(context, `skipped the ${kustomizeBuildRule.id} rule: stages were not compared with kustomize build`);
      const { checkProject, checkReport, errorCount } = await import("../../validate/check.ts");
      const { renderProject } = await import("../../generate/render-project.ts");
      const { formatReport, summarize } = await import("../../validate/report.ts");
      const { loadStoredSchemas } = await import("../../validate/schema-store.ts");
      const { openStore } = await import("../../store/store.ts");
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
    });
}
