import { loadProjectConfig } from "../config/load.ts";
import { print, printJson, progress, type Context } from "../context.ts";
import { Git } from "../git/git.ts";
import { diskFiles } from "../io/source-files.ts";
import { finishHotfix, startHotfix } from "../promotion/hotfix.ts";
import { repositoryRoot, type GlobalOptions } from "./shell.ts";

function repository(context: Context, options: GlobalOptions) {
  const root = repositoryRoot(context, options);
  return { git: new Git(context.run, root), config: loadProjectConfig(diskFiles(root)).config };
}

async function start(options: GlobalOptions & { name: string; fetch: boolean }, context: Context): Promise<void> {
  const { git, config } = repository(context, options);
  const started = await startHotfix(git, config, options.name, { fetch: options.fetch, context });
  print(context, started.branch);
}

async function finish(
  options: GlobalOptions & {
    name?: string | undefined;
    push?: true | undefined;
    yes?: true | undefined;
    fetch: boolean;
    json?: true | undefined;
  },
  context: Context,
): Promise<void> {
  const { git, config } = repository(context, options);
  const result = await finishHotfix(git, config, options.name, {
    push: Boolean(options.push),
    fetch: options.fetch,
    context,
    yes: options.yes,
  });
  if (options.json) printJson(context, result);
  else {
    print(
      context,
      `${result.branch}: merged as ${result.stageCommit}, back-ported as ${result.mainCommit}${result.pushed ? " (pushed)" : ""}`,
    );
    progress(context, `the branch can go: git branch -d ${result.branch}`);
  }
}

export const run = { start, finish };
