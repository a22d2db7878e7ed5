import type { ProjectConfig, StageConfig } from "../config/project.ts";
import { expandStagePattern, findStage } from "../config/project.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";

/** The stages running on kind; `kind` commands use the first unless told otherwise. */
export function kindStage(config: ProjectConfig, name?: string): StageConfig {
  const stage = name ? findStage(config, name) : config.stages.find((candidate) => candidate.platform === "kind");
  if (!stage || stage.platform !== "kind") {
    throw new Jore4FluxError(
      name ? `stage '${name}' does not run on kind` : "no stage with platform kind in jore4-flux.yaml",
      { exitCode: ExitCode.invalid },
    );
  }
  return stage;
}

/** The kube context a stage's cluster is reached through. */
export function stageContext(config: ProjectConfig, stage: StageConfig): string {
  return stage.platform === "kind" ? config.kind.context : expandStagePattern(config.aks.context, stage.name);
}

/**
 * The context guard: the context used (the explicit `--context`, else the current one) must be
 * the stage's. Returns the context to pass to every kubectl call. `purpose` words the refusal: a
 * command that only reads (`status`, `context check`) applies nothing either way.
 */
export function guardContext(
  expected: string,
  used: { explicit?: string; current?: string },
  stage: string,
  purpose: "change" | "read" = "change",
): string {
  const actual = used.explicit ?? used.current;
  if (actual === expected) return expected;
  const which = used.explicit !== undefined ? "--context" : "the current kube context";
  const found = actual === undefined ? `${which} is not set` : `${which} is ${actual}`;
  const [verb, outcome] = purpose === "read" ? ["read", "nothing was read"] : ["touch", "nothing was applied"];
  throw new Jore4FluxError(
    `refusing to ${verb} stage ${stage}: ${found}, but the stage's context is ${expected}; ${outcome}`,
    {
      exitCode: ExitCode.refused,
      hint: `switch with \`kubectl config use-context ${expected}\` (or log in: \`npx jore4-flux login ${stage}\`), or pass --context ${expected}`,
    },
  );
}
