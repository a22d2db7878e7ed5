import { Command } from "commander";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { diskFiles } from "../../io/source-files.ts";
import { allRules, checkRepository, errorCount } from "../../validate/check.ts";
import { formatReport, formatRules, summarize } from "../../validate/report.ts";
import { loadStoredSchemas, SchemaIndex } from "../../validate/schema-store.ts";
import { repositoryRoot } from "../context.ts";
import { print, printJson, type Context } from "../../context.ts";

export function checkCommand(context: Context): Command {
  return new Command("check")
    .description(
      "validate the rendered stages offline: schemas, references inside each stage, safety rules, stage parity, and that clusters/ is up to date",
    )
    .argument("[stages...]", "stages to check (default: all)")
    .option("--json", "print the findings as JSON")
    .option("--rules", "list the rules (id, default severity, what each checks) and exit")
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
    .action((stages: string[], options: { json?: boolean; rules?: boolean }, command: Command) => {
      const root = repositoryRoot(context, command);
      const schemas = loadStoredSchemas();
      if (options.rules) {
        const rules = allRules(new SchemaIndex(schemas));
        if (options.json) printJson(context, rules);
        else print(context, formatRules(rules));
        return;
      }
      const report = checkRepository(diskFiles(root), schemas, stages);
      if (options.json) printJson(context, { ...summarize(report), ...report });
      else print(context, formatReport(report));
      const errors = errorCount(report);
      if (errors > 0) throw new Jore4FluxError(`check found ${errors} errors`, { exitCode: ExitCode.findings });
    });
}
