import type { ProjectConfig } from "../config/project.ts";
import type { Git } from "../git/git.ts";
import type { ServiceImages } from "../promotion/images.ts";
import { assembleHistoryInput, blobsNamed } from "./assemble.ts";
import { gitHistoryReader, readGitView, readRemoteState, replaceRefBase, type Env } from "./git-reads.ts";
import type { HistoryInput } from "./input.ts";
import { keptHistoryReader, type HistoryReads } from "./kept-reads.ts";
import { planHistoryReads, type HistoryReadPlan } from "./read-plan.ts";
import type { HistoryReader } from "./reads.ts";

/**
 * Carries out a plan's reads through `reader`: every read starts at once, the graph first (its
 * walk over every commit is the longest); each stage's blobs are read as soon as its log is in.
 */
async function readPlanned(
  git: Git,
  plan: HistoryReadPlan,
  reader: HistoryReader,
  shallow: readonly string[],
): Promise<Parameters<typeof assembleHistoryInput>[1]> {
  const graphRead = reader.graph(plan.graphTips);
  const changesRead = reader.changes(plan.clusters, plan.ranges);
  const remotesRead = Promise.all(plan.remotes.map((read) => readRemoteState(git, read)));
  const images = new Map<string, ServiceImages>();
  const logsRead = Promise.all(
    plan.stages.map(async (stage) => {
      // Logged from the commit the branch pointed to (not its name): the log is kept under that commit.
      const log = stage.tip === undefined ? [] : await reader.log(stage.dir, stage.tip);
      const changes = stage.range === undefined ? undefined : (await changesRead)[stage.range];
      for (const [blob, read] of await reader.images(blobsNamed(log, changes, stage.dir))) images.set(blob, read);
      return log;
    }),
  );
  const [graph, logs, changes, remotes] = await Promise.all([graphRead, logsRead, changesRead, remotesRead]);
  return { logs, graph, changes, images, remotes, shallow };
}

/**
 * Reads everything `buildHistory` needs: the refs and the view git answers in, then the plan's
 * reads (read-plan.ts), answered from `kept` where it stands, then assembles them (assemble.ts).
 * `remote`: the one the command found (`remoteFor`); `kept`: the reads of an earlier run and the
 * view they were made in (`GitView`), used only when the view is the same; `env`: the
 * environment git runs in (its GIT_ variables are part of the view). `readAnew`: whether git was
 * asked anything beyond the refs, the view and the remote-tracking branches; `view`: the key to
 * keep the reads under, undefined when the view changed while they were read (they are then kept
 * under none).
 */
export async function readHistoryInput(
  git: Git,
  config: ProjectConfig,
  remote: string | undefined,
  options: { kept?: { view: string; reads: HistoryReads } | undefined; env?: Env } = {},
): Promise<{ input: HistoryInput; reads: HistoryReads; readAnew: boolean; view: string | undefined }> {
  const env = options.env ?? {};
  const replaceBase = replaceRefBase(env);
  // The view is read while the refs are (its replace refs come with them).
  const refsRead = git.refs("refs/heads/", ...(remote ? [`refs/remotes/${remote}/`] : []), replaceBase);
  const view = await readGitView(git, env, refsRead);
  const plan = planHistoryReads(config, remote, await refsRead);
  const kept = keptHistoryReader(
    gitHistoryReader(git),
    options.kept?.view === view.key ? options.kept.reads : undefined,
  );
  const input = assembleHistoryInput(plan, await readPlanned(git, plan, kept.reader, view.shallow));
  const readAnew = kept.readAnew();
  // Reads made while the view changed (a fetch deepening the clone meanwhile) are kept under no view.
  const keptUnder =
    readAnew && (await readGitView(git, env, git.refs(replaceBase))).key !== view.key ? undefined : view.key;
  return { input, reads: kept.reads(), readAnew, view: keptUnder };
}
