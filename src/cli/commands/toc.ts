import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { refreshedToc } from "../../docs/toc.ts";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { writeFiles } from "../../io/tree.ts";
import { repositoryRoot } from "../context.ts";
import { progress, type Context } from "../../context.ts";

export function tocCommand(context: Context): Command {
  return new Command("toc")
    .description(
      "refresh the table of contents between the doctoc markers of a Markdown file (as `npx doctoc README.md` did)",
    )
    .argument("[file]", "Markdown file, relative to the repository", "README.md")
    .option("--check", "write nothing; exit 1 when the table of contents is stale")
    .addHelpText("after", "\nExamples:\n  $ jore4-flux toc\n  $ jore4-flux toc --check   # in CI")
    .action((file: string, options: { check?: boolean }, command: Command) => {
      const root = repositoryRoot(context, command);
      let text: string;
      try {
        text = readFileSync(join(root, file), "utf8");
      } catch {
        throw new Jore4FluxError(`cannot read ${file}`, { exitCode: ExitCode.invalid });
      }
      const refreshed = refreshedToc(text);
      if (refreshed === undefined) {
        progress(context, `${file}: table of contents is up to date`);
        return;
      }
      if (options.check)
        throw new Jore4FluxError(`${file}: table of contents is stale`, {
          exitCode: ExitCode.findings,
          hint: "run `npx jore4-flux toc` and commit the result",
        });
      writeFiles(root, [{ path: file, text: refreshed }]);
      progress(context, `${file}: table of contents updated`);
    });
}
