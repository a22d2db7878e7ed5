import { resolve } from "node:path";
import { packBundle } from "../compose/archive.ts";
import { print, printJson, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { generatedFolderOf, generatedFolders } from "../generate/committed.ts";
import { renderProject } from "../generate/render-project.ts";
import { writeOutputFile } from "../io/output-file.ts";
import { diskFiles, repositoryPath } from "../io/source-files.ts";
import { repositoryRoot, type GlobalOptions } from "./shell.ts";

export async function run(
  options: GlobalOptions & { stage?: string | undefined; output?: string | undefined; json?: true | undefined },
  context: Context,
): Promise<void> {
  const stageName = options.stage;
  const root = repositoryRoot(context, options);
  const { bundles, project } = renderProject(diskFiles(root));
  const { config } = project;
  const bundle =
    stageName === undefined && bundles.length === 1 ? bundles[0] : bundles.find((b) => b.stage === stageName);
  if (!bundle)
    throw new Jore4FluxError(
      `${stageName === undefined ? "name a stage" : `'${stageName}' is not a kind stage`}: bundles exist for ${bundles.map((b) => b.stage).join(", ") || "no stage"}`,
      { exitCode: ExitCode.invalid },
    );
  const named = options.output ?? `${bundle.stage}-docker-compose.tar.gz`;
  const output = resolve(context.cwd, named);
  const inRepository = repositoryPath(root, output);
  const generated =
    inRepository === undefined ? undefined : generatedFolderOf(inRepository, generatedFolders(config.paths));
  if (generated !== undefined)
    throw new Jore4FluxError(`cannot write ${named}: ${generated}/ holds committed generated files`, {
      exitCode: ExitCode.invalid,
      hint: "name another --output, outside the generated folders; nothing was written",
    });
  progress(context, `packing ${bundle.dir} into ${output}`);
  const { entries: files, archive } = await packBundle(bundle);
  writeOutputFile(output, named, archive);
  if (options.json) printJson(context, { stage: bundle.stage, output, files });
  else print(context, output);
}
