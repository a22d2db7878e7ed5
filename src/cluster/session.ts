import type { ProjectConfig } from "../config/project.ts";
import { diskFiles } from "../io/source-files.ts";
import { loadProjectConfig } from "../values/load.ts";
import { runStep, type StepResult } from "./run.ts";
import { formatSteps, type CommandStep } from "./step.ts";

/** What a cluster operation needs from its surroundings: the repository, output, and dry-run. */
export interface Session {
  root: string;
  config: ProjectConfig;
  /** Progress and diagnostics (stderr). */
  progress: (line: string) => void;
  /** Data output (stdout). */
  print: (text: string) => void;
  dryRun: boolean;
  /** Runs a step; in dry-run mode it is printed instead (and nothing is contacted). */
  run: (step: CommandStep) => Promise<StepResult | undefined>;
  /** Runs a step that only reads (kustomize build, kubectl get), also in a dry run: callers read no cluster then. */
  read: (step: CommandStep) => Promise<StepResult>;
}

export function openSession(
  root: string,
  options: { dryRun: boolean; progress: (line: string) => void; print: (text: string) => void },
): Session {
  const { config } = loadProjectConfig(diskFiles(root));
  let printed = 0;
  return {
    root,
    config,
    ...options,
    run: async (step) => {
      if (options.dryRun) {
        options.print(formatSteps([step]).replace(/^# 1\./, `# ${++printed}.`));
        return undefined;
      }
      options.progress(`→ ${step.title}`);
      return runStep(root, step);
    },
    read: (step) => runStep(root, step),
  };
}
