import type { Context } from "../context.ts";
import { applyFiles, planFiles, schemasDir } from "../generate/committed.ts";
import { collectSchemas, crdSchemaDir } from "../validate/schema-sources.ts";
import { compiledValidatorsFileFor } from "../validate/schema-store.ts";
import { reportPlan } from "./report.ts";
import { repositoryRoot, type GlobalOptions } from "./shell.ts";

async function update(options: GlobalOptions & { check?: true | undefined }, context: Context): Promise<void> {
  const root = repositoryRoot(context, options);
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
}

export const run = { update };
