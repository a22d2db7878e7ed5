import { Command, Option, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import type { Project } from "../../values/load.ts";
import type { StageDiff } from "../../diff/stages.ts";
import { repositoryRoot } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";
import { jsonOption } from "../options.ts";

/** Every named stage (default: all of either side) as rendered at `ref` and in the working tree. */
async function diffAgainstRef(
  context: Context,
  root: string,
  current: Project,
  ref: string,
  stages: string[],
): Promise<StageDiff[]> {
  const { filesAtRef } = await import("../../git/files-at-ref.ts");
  const { Git } = await import("../../git/git.ts");
  const { diffObjects } = await import("../../diff/objects.ts");
  const { findStageModel, loadProject } = await import("../../values/load.ts");
  const { renderedObjects } = await import("../../diff/stages.ts");
  progress(context, `rendering ${ref}…`);
  const files = await filesAtRef(new Git(context.run, root), ref, current.config.paths.clusters);
  let other: Project;
  try {
    other = loadProject(files);
  } catch (error) {
    if (!(error instanceof Jore4FluxError)) throw error;
    throw new Jore4FluxError(`at ${ref}: ${error.message}`, {
      exitCode: error.exitCode,
      problems: error.problems,
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
  const names =
    stages.length > 0 ? stages : [...new Set([...other.stages, ...current.stages].map((model) => model.stage.name))];
  for (const name of stages)
    if (![...other.stages, ...current.stages].some((model) => model.stage.name === name)) findStageModel(current, name);
  return names.map((name) => {
    const before = other.stages.find((model) => model.stage.name === name);
    const after = current.stages.find((model) => model.stage.name === name);
    const changes = diffObjects(
      before ? renderedObjects(other.config, before) : [],
      after ? renderedObjects(current.config, after) : [],
    );
    return { title: `${name}: ${ref} → working tree`, changes };
  });
}

export function diffCommand(context: Context): CommandUnknownOpts {
  return new Command("diff")
    .description(
      "the semantic difference, object by object and field by field, between two stages' renderings, or between the working tree and another commit",
    )
    .argument("[stages...]", "two stages to compare; with --ref, the stages to compare (default: all)")
    .option("--ref <git-ref>", "compare the working tree's rendering with the one at this commit, branch or tag")
    .option("--all", "between two stages, also show what is expected to differ (stage-specific keys, branch and path)")
    .addOption(jsonOption("print the differences as JSON"))
    .addOption(
      new Option(
        "--markdown",
        "print a summary sized for a pull-request comment (long diffs are cut, with a count of what was left out)",
      ).conflicts("json"),
    )
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 no differences, 1 differences found, 2 bad usage or unreadable input.",
        "",
        "Examples:",
        "  $ jore4-flux diff dev prod               # only what differs beyond the stage-specific keys",
        "  $ jore4-flux diff dev prod --all",
        "  $ jore4-flux diff --ref test test --markdown   # what merging into test would change there",
        "  $ jore4-flux diff --ref HEAD~1 --json",
      ].join("\n"),
    )
    .action(async (stages, options, command) => {
      const { diskFiles } = await import("../../io/source-files.ts");
      const { findStageModel, loadProject } = await import("../../values/load.ts");
      const { countChanges, formatDiffMarkdown, formatDiffText } = await import("../../diff/report.ts");
      const { diffStages } = await import("../../diff/stages.ts");
      const root = repositoryRoot(context, command);
      const project = loadProject(diskFiles(root));
      let diffs: StageDiff[];
      let heading: string;
      if (options.ref !== undefined) {
        // Each stage once: `diff --ref main dev dev` is dev's difference, not twice.
        diffs = await diffAgainstRef(context, root, project, options.ref, [...new Set(stages)]);
        heading = `jore4-flux diff: \`${options.ref}\` → working tree`;
      } else {
        if (stages.length !== 2)
          throw new Jore4FluxError("name two stages to compare (or use --ref <git-ref>)", {
            exitCode: ExitCode.invalid,
            hint: "jore4-flux diff dev prod",
          });
        diffs = [
          diffStages(project.config, findStageModel(project, stages[0]!), findStageModel(project, stages[1]!), {
            all: options.all === true,
          }),
        ];
        heading = `jore4-flux diff: ${stages[0]} → ${stages[1]}${options.all ? "" : " (stage-specific differences hidden)"}`;
      }
      if (options.json) printJson(context, diffs);
      else if (options.markdown) print(context, formatDiffMarkdown(diffs, heading));
      else print(context, formatDiffText(diffs));
      if (countChanges(diffs) > 0)
        throw new Jore4FluxError(`${countChanges(diffs)} objects differ`, { exitCode: ExitCode.findings });
    });
}
