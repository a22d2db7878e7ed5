import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { Context } from "../../context.ts";
import { repositoryRoot } from "../context.ts";
import { checkOption } from "../options.ts";

export function schemasCommand(context: Context): CommandUnknownOpts {
  const schemas = new Command("schemas").description(
    "the Kubernetes and CRD schemas `check` validates against (stored in schemas/, used offline)",
  );
  schemas
    .command("update")
    .description(
      "regenerate schemas/ from the pinned sources: the Kubernetes OpenAPI and the CRDs of Flux and the Secrets Store CSI driver, read from their Go modules",
    )
    .addOption(checkOption("schemas/"))
    .addHelpText(
      "after",
      "\nExamples:\n  $ jore4-flux schemas update   # then commit schemas/\n  $ jore4-flux schemas update --check",
    )
    .action(async (options, command) => {
      const { reportPlan } = await import("../committed.ts");
      const { applyFiles, planFiles, schemasDir } = await import("../../generate/committed.ts");
      const { collectSchemas, crdSchemaDir } = await import("../../validate/schema-sources.ts");
      const root = repositoryRoot(context, command);
      const { compiledValidatorsFileFor } = await import("../../validate/schema-store.ts");
      const generated = await collectSchemas(context);
      const files = [...generated.files, compiledValidatorsFileFor(generated.files)];
      const expected = Object.fromEntries(files.map((file) => [`${schemasDir}/${file.path}`, file.text]));
      const plan = planFiles(root, expected, [`${schemasDir}/${crdSchemaDir}`]);
      if (!options.check) applyFiles(root, plan, schemasDir);
      reportPlan(context, plan, {
        check: options.check ?? false,
        what: "schemas/",
        fix: "npx jore4-flux schemas update",
      });
    });
  return schemas;
}
