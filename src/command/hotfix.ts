import { print, printJson, progress, type Context } from "../context.ts";
import { finishHotfix, startHotfix } from "../promotion/hotfix.ts";
import { branchMove, openRepository, type BranchMoveOptions, type GlobalOptions } from "./shell.ts";

async function start(options: GlobalOptions & { name: string; fetch: boolean }, context: Context): Promise<void> {
  const { git, config } = openRepository(context, options);
  const started = await startHotfix(git, config, options.name, { fetch: options.fetch, context });
  print(context, started.branch);
}

async function finish(
  options: GlobalOptions & BranchMoveOptions & { name?: string | undefined },
  context: Context,
): Promise<void> {
  const { git, config } = openRepository(context, options);
  const result = await finishHotfix(git, config, options.name, branchMove(options, context));
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
