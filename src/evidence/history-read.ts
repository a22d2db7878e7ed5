import type { ProjectConfig, StageConfig } from "../config/project.ts";
import type { Git } from "../git/git.ts";
import { stageOfBranch } from "../promotion/order.ts";
import { gateStates, recordedStages, type RecordedHistory } from "./history.ts";
import type { Note } from "./model.ts";
import { readRecord, writeRecord } from "./notes.ts";

/**
 * The record as `history` shows it: the remote's notes fetched in (unless --no-fetch), each
 * stage's recorded revisions, and every gate against the head of the stage it reads; with the
 * record itself, read once, for what else history takes from it.
 */
export async function readRecordedHistory(
  git: Git,
  config: ProjectConfig,
  remote: string | undefined,
  options: { fetch: boolean; now: Date; stages: readonly StageConfig[] },
): Promise<{ recorded: RecordedHistory; record: Map<string, Note> }> {
  if (remote && options.fetch) await writeRecord(git, new Map(), { remote });
  const record = await readRecord(git);
  const gates = [];
  for (const stage of options.stages) {
    const from = stageOfBranch(config, stage.promotedFrom);
    if (!stage.gate || !from) continue;
    const head =
      (remote ? await git.commit(`refs/remotes/${remote}/${from.branch}`) : undefined) ??
      (await git.commit(`refs/heads/${from.branch}`));
    gates.push({ stage: stage.name, from: from.name, promoteFrom: from.promotedFrom, gate: stage.gate, head });
  }
  const branches = new Map<string, string[]>();
  for (const stage of options.stages) {
    const head =
      (remote ? await git.commit(`refs/remotes/${remote}/${stage.branch}`) : undefined) ??
      (await git.commit(`refs/heads/${stage.branch}`));
    if (head)
      branches.set(
        stage.name,
        (await git.run(["rev-list", "--first-parent", "--reverse", head])).split("\n").filter(Boolean),
      );
  }
  const recorded = {
    stages: recordedStages(
      record,
      options.stages.map((stage) => stage.name),
      branches,
    ),
    gates: gateStates(record, gates, options.now),
  };
  return { recorded, record };
}
