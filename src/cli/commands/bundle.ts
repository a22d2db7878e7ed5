import { resolve } from "node:path";
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { jsonOption } from "../options.ts";
import { print, printJson, progress, type Context } from "../../context.ts";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { repositoryRoot } from "../context.ts";

export function bundleCommand(context: Context): CommandUnknownOpts {
  return new Command("bundle")
    .description(
      "pack the docker-compose bundle of a kind stage (compose/<stage>: compose file, nginx proxy, secret files) into a .tar.gz for a release",
    )
    .argument("[stage]", "a kind stage (default: the only one, e2e)")
    .option("-o, --output <file>", "the archive to write (default: <stage>-docker-compose.tar.gz)")
    .addOption(jsonOption("print what was packed as JSON"))
    .addHelpText(
      "after",
      "\nExamples:\n  $ jore4-flux bundle\n  $ jore4-flux bundle e2e --output dist/e2e-docker-compose.tar.gz\n" +
        "\nThe archive holds the folder's files at its root: unpack it and run `docker compose up -d` there.",
    )
    .action(async (stageName, options, command) => {
      const { packBundle } = await import("../../compose/archive.ts");
      const { renderProject } = await import("../../generate/render-project.ts");
      const { diskFiles, repositoryPath } = await import("../../io/source-files.ts");
      const { generatedFolderOf, generatedFolders } = await import("../../generate/committed.ts");
      const { writeOutputFile } = await import("../../io/output-file.ts");
      const root = repositoryRoot(context, command);
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
    });
}
