import { filesAtRef } from "../git/files-at-ref.ts";
import { Git } from "../git/git.ts";
import { print, printJson, progress, type Context } from "../context.ts";
import { diffObjects } from "../diff/objects.ts";
import { countChanges, formatDiffMarkdown, formatDiffText } from "../diff/report.ts";
import { diffStages, renderedObjects, type StageDiff } from "../diff/stages.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { diskFiles } from "../io/source-files.ts";
import { findStageModel, loadProject, type Project } from "../values/load.ts";
import { repositoryRoot, type GlobalOptions } from "./shell.ts";

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

export async function run(
  options: GlobalOptions & {
    stages: string[];
    ref?: string | undefined;
    all?: true | undefined;
    json?: true | undefined;
    markdown?: true | undefined;
  },
  context: Context,
): Promise<void> {
  const { stages } = options;
  const root = repositoryRoot(context, options);
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
}
