import { Command } from "commander";
import { ExitCode, Jore4FluxError } from "../../errors.ts";
import { diffObjects } from "../../validate/semantic-diff.ts";
import { diskFiles } from "../../io/source-files.ts";
import { findStageModel, loadProject, type Project } from "../../values/load.ts";
import { countChanges, formatDiffMarkdown, formatDiffText } from "../../validate/diff-report.ts";
import { filesAtRef } from "../../git/files-at-ref.ts";
import { Git } from "../../git/git.ts";
import { diffStages, renderedObjects, type StageDiff } from "../../validate/stage-diff.ts";
import { repositoryRoot } from "../context.ts";
import { print, printJson, progress, type Context } from "../../context.ts";

interface DiffOptions {
  ref?: string;
  all?: boolean;
  json?: boolean;
  markdown?: boolean;
}

/** Every named stage (default: all of either side) as rendered at `ref` and in the working tree. */
async function diffAgainstRef(
  context: Context,
  root: string,
  current: Project,
  ref: string,
  stages: string[],
): Promise<StageDiff[]> {
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

export function diffCommand(context: Context): Command {
  return new Command("diff")
    .description(
      "the semantic difference, object by object and field by field, between two stages' renderings, or between the working tree and another commit",
    )
    .argument("[stages...]", "two stages to compare; with --ref, the stages to compare (default: all)")
    .option("--ref <git-ref>", "compare the working tree's rendering with the one at this commit, branch or tag")
    .option("--all", "between two stages, also show what is expected to differ (stage-specific keys, branch and path)")
    .option("--json", "print the differences as JSON")
    .option(
      "--markdown",
      "print a summary sized for a pull-request comment (long diffs are cut, with a count of what was left out)",
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
    .action(async (stages: string[], options: DiffOptions, command: Command) => {
      const root = repositoryRoot(context, command);
      if (options.json && options.markdown)
        throw new Jore4FluxError("choose one of --json and --markdown", { exitCode: ExitCode.invalid });
      const project = loadProject(diskFiles(root));
      let diffs: StageDiff[];
      let heading: string;
      if (options.ref !== undefined) {
        diffs = await diffAgainstRef(context, root, project, options.ref, stages);
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
