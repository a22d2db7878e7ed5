import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { Context } from "../../context.ts";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { repositoryRoot } from "../context.ts";
import { checkOption } from "../options.ts";

export function tocCommand(context: Context): CommandUnknownOpts {
  return new Command("toc")
    .description(
      "refresh the table of contents between the doctoc markers of a Markdown file (as `npx doctoc README.md` did)",
    )
    .argument("[file]", "Markdown file, relative to the repository", "README.md")
    .addOption(checkOption("the table of contents"))
    .addHelpText("after", "\nExamples:\n  $ jore4-flux toc\n  $ jore4-flux toc --check   # in CI")
    .action(async (file, options, command) => {
      const { reportPlan } = await import("../committed.ts");
      const { refreshedToc } = await import("../../docs/toc.ts");
      const { planFiles } = await import("../../generate/committed.ts");
      const { outputTarget, writeOutputFile } = await import("../../io/output-file.ts");
      const root = repositoryRoot(context, command);
      // Read only as a regular file (through its links): a FIFO would block the read, a device is no Markdown.
      const target = outputTarget(join(root, file), file);
      let text: string;
      try {
        text = readFileSync(target.path, "utf8");
      } catch {
        throw new Jore4FluxError(`cannot read ${file}`, { exitCode: ExitCode.invalid });
      }
      const plan = planFiles(root, { [file]: refreshedToc(text) ?? text });
      if (!options.check) for (const write of plan.writes) writeOutputFile(join(root, write.path), file, write.text);
      reportPlan(context, plan, {
        check: options.check ?? false,
        what: `${file}: table of contents`,
        fix: "npx jore4-flux toc",
      });
    });
}
