import { join } from "node:path";
import { Command } from "commander";
import { collectSchemas, writeSchemas } from "../../validate/schema-sources.ts";
import { repositoryRoot } from "../context.ts";
import { progress, type Context } from "../../context.ts";

export function schemasCommand(context: Context): Command {
  const schemas = new Command("schemas").description(
    "the Kubernetes and CRD schemas `check` validates against (stored in schemas/, used offline)",
  );
  schemas
    .command("update")
    .description(
      "regenerate schemas/ from the pinned sources: the Kubernetes OpenAPI and the CRDs of Flux and the Secrets Store CSI driver, read from their Go modules",
    )
    .addHelpText("after", "\nExamples:\n  $ jore4-flux schemas update   # then commit schemas/")
    .action(async (_options: unknown, command: Command) => {
      const root = repositoryRoot(context, command);
      const generated = await collectSchemas(context);
      writeSchemas(join(root, "schemas"), generated);
      progress(context, `wrote ${generated.files.length} files into schemas/`);
    });
  return schemas;
}
