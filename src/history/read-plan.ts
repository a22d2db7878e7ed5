import type { ProjectConfig } from "../config/project.ts";
import { branchRef } from "../git/branches.ts";
import type { CommitRange } from "./reads.ts";

/**
 * What `history` reads of git, planned from the refs alone (pure): which stage logs, which
 * waiting ranges, which graph and which remote-tracking branches. read.ts carries it out.
 */

export interface StageRead {
  stage: string;
  branch: string;
  promotedFrom: string;
  /** The stage's folder, `<clusters>/<stage>/`: its log's files are those below it. */
  dir: string;
  /** The commit the stage's branch points to (the local branch, else the remote-tracking one); undefined: no branch. */
  tip: string | undefined;
  /** The index in `HistoryReadPlan.ranges` of what waits on the stage; undefined when either tip is missing. */
  range: number | undefined;
}

/** A stage branch with a remote-tracking branch: how far it and its local branch diverge, and its reflog. */
export interface RemoteRead {
  branch: string;
  remote: string;
  trackingRef: string;
  tracking: string;
  /** The local branch's commit; undefined: no local branch (nothing is counted). */
  local: string | undefined;
}

export interface HistoryReadPlan {
  /** The clusters folder: the waiting ranges' changes are those below it. */
  clusters: string;
  stages: StageRead[];
  ranges: CommitRange[];
  /** The tips the commit graph is read from: every range's two, then the main lines'. */
  graphTips: string[];
  /** Source branches that are no stage's branch (e.g. main): their first-parent lines come from the graph. */
  mainLines: { branch: string; tip: string }[];
  remotes: RemoteRead[];
}

/** The reads for `config`'s stages given the refs (`refs/heads/…`, and `refs/remotes/<remote>/…` when there is a remote). */
export function planHistoryReads(
  config: Pick<ProjectConfig, "stages" | "paths">,
  remote: string | undefined,
  refs: ReadonlyMap<string, string>,
): HistoryReadPlan {
  const trackingRef = (branch: string) => `refs/remotes/${remote}/${branch}`;
  const trackingTip = (branch: string) => (remote ? refs.get(trackingRef(branch)) : undefined);
  // A stage with no local branch is read from the remote-tracking branch, when there is one.
  const tipOf = (branch: string) => refs.get(branchRef(branch)) ?? trackingTip(branch);
  const clusters = config.paths.clusters;
  const sourceBranches = [...new Set(config.stages.map((stage) => stage.promotedFrom))];
  const mainLines = sourceBranches.flatMap((branch) => {
    const tip = tipOf(branch);
    return !config.stages.some((stage) => stage.branch === branch) && tip ? [{ branch, tip }] : [];
  });
  const ranges: CommitRange[] = [];
  const stages = config.stages.map((stage): StageRead => {
    const [tip, source] = [tipOf(stage.branch), tipOf(stage.promotedFrom)];
    const range = tip && source ? ranges.push({ tip, source }) - 1 : undefined;
    return {
      stage: stage.name,
      branch: stage.branch,
      promotedFrom: stage.promotedFrom,
      dir: `${clusters}/${stage.name}/`,
      tip,
      range,
    };
  });
  const graphTips = [
    ...new Set([...ranges.flatMap((range) => [range.tip, range.source]), ...mainLines.map((line) => line.tip)]),
  ];
  const remotes = remote
    ? config.stages.flatMap((stage): RemoteRead[] => {
        const tracking = trackingTip(stage.branch);
        return tracking === undefined
          ? []
          : [
              {
                branch: stage.branch,
                remote,
                trackingRef: trackingRef(stage.branch),
                tracking,
                local: refs.get(branchRef(stage.branch)),
              },
            ];
      })
    : [];
  return { clusters, stages, ranges, graphTips, mainLines, remotes };
}
