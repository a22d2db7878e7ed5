import type { ProjectConfig, StageConfig } from "../config/project.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";

/** One step of the configured promotion order: the branch `from` is merged into stage `to`. */
export interface PromotionStep {
  fromBranch: string;
  /** The stage whose branch is `fromBranch`; undefined for the main branch. */
  fromStage: StageConfig | undefined;
  to: StageConfig;
}

export function stageOfBranch(config: ProjectConfig, branch: string): StageConfig | undefined {
  return config.stages.find((stage) => stage.branch === branch);
}

/** Accepts a stage name, a stage branch or the main branch. */
function branchNamed(config: ProjectConfig, name: string): string | undefined {
  if (name === config.repository.mainBranch) return name;
  return config.stages.find((stage) => stage.name === name || stage.branch === name)?.branch;
}

/** The stages (first to last) that a change on the main branch passes on its way to `stage`. */
export function pathTo(config: ProjectConfig, stage: StageConfig): StageConfig[] {
  const path: StageConfig[] = [];
  for (let current: StageConfig | undefined = stage; current; current = stageOfBranch(config, current.promotedFrom))
    path.unshift(current);
  return path;
}

/** The stage at the end of the longest promotion path: where hotfixes are made (prod). */
export function finalStage(config: ProjectConfig): StageConfig {
  return config.stages.reduce((best, stage) =>
    pathTo(config, stage).length > pathTo(config, best).length ? stage : best,
  );
}

function orderText(config: ProjectConfig): string {
  return config.stages.map((stage) => `${stage.promotedFrom} → ${stage.branch}`).join(", ");
}

/** Checks `from → to` against the configured order; a skipped stage is refused with the path to take. */
export function promotionStep(config: ProjectConfig, from: string, to: string): PromotionStep {
  const toBranch = branchNamed(config, to);
  const target = toBranch === undefined ? undefined : stageOfBranch(config, toBranch);
  if (!target) {
    throw new Jore4FluxError(
      `'${to}' is not a stage; stages in jore4-flux.yaml: ${config.stages.map((stage) => stage.name).join(", ")}`,
      { exitCode: ExitCode.invalid },
    );
  }
  const fromBranch = branchNamed(config, from);
  if (fromBranch === undefined) {
    throw new Jore4FluxError(`'${from}' is neither ${config.repository.mainBranch} nor a stage`, {
      exitCode: ExitCode.invalid,
    });
  }
  if (target.promotedFrom !== fromBranch) {
    const path = pathTo(config, target);
    const steps = path.map((stage) => `jore4-flux promote ${stage.promotedFrom} ${stage.name}`);
    const skipped = path.some((stage) => stage.promotedFrom === fromBranch);
    throw new Jore4FluxError(
      skipped
        ? `${fromBranch} → ${target.branch} skips a stage: ${target.name} is promoted from ${target.promotedFrom} only`
        : `${target.name} is promoted from ${target.promotedFrom}, not from ${fromBranch} (order: ${orderText(config)})`,
      { exitCode: ExitCode.refused, hint: `promote one stage at a time:\n  ${steps.join("\n  ")}` },
    );
  }
  return { fromBranch, fromStage: stageOfBranch(config, fromBranch), to: target };
}
