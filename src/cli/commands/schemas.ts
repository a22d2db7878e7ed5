import { join } from "node:path";
import { Command } from "commander";
import { collectSchemas, writeSchemas } from "../../validate/schema-sources.ts";
import { findRoot, out } from "../context.ts";

export function schemasCommand(): Command {
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
      const root = findRoot(command.optsWithGlobals().dir);
      const generated = await collectSchemas(out.progress);
      writeSchemas(join(root, "schemas"), generated);
      out.progress(`wrote ${generated.files.length} files into schemas/`);
    });
  return schemas;
}
