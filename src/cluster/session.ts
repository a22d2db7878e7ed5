import type { ProjectConfig } from "../config/project.ts";
import { progress, type Context } from "../context.ts";
import { diskFiles } from "../io/source-files.ts";
import { loadProjectConfig } from "../config/load.ts";
import { runStep, type StepResult } from "./run.ts";
import { formatSteps, type CommandStep } from "./step.ts";

/** A cluster operation over the context: the repository, and whether steps run or are only printed. */
export interface Session {
  context: Context;
  root: string;
  config: ProjectConfig;
  dryRun: boolean;
  /** Progress and diagnostics (stderr). */
  progress: (line: string) => void;
  /** The dry-run script and other human output: stdout, or stderr when stdout carries --json. */
  print: (text: string) => void;
  /** Runs a step; in dry-run mode it is printed instead (and nothing is contacted). */
  run: (step: CommandStep) => Promise<StepResult | undefined>;
  /**
   * Runs a step that only reads (kubectl get), also in a dry run: callers read no cluster then.
   * `signal` bounds it: the program is killed when it aborts.
   */
  read: (step: CommandStep, options?: { signal?: AbortSignal }) => Promise<StepResult>;
}

export function openSession(context: Context, root: string, options: { dryRun: boolean; json?: boolean }): Session {
  const { config } = loadProjectConfig(diskFiles(root));
  const script = options.json ? context.stderr : context.stdout;
  let printed = 0;
  return {
    context,
    root,
    config,
    dryRun: options.dryRun,
    progress: (line) => progress(context, line),
    print: (text) => script.write(text.endsWith("\n") ? text : `${text}\n`),
    run: async (step) => {
      if (options.dryRun) {
        script.write(formatSteps([step]).replace(/^# 1\./, `# ${++printed}.`));
        return undefined;
      }
      progress(context, `→ ${step.title}`);
      return runStep(context, root, step);
    },
    read: (step, readOptions) => runStep(context, root, step, readOptions),
  };
}
