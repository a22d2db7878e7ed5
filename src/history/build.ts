import { imageChanges, type ImageChange, type ServiceImages } from "../promotion/images.ts";
import { imageChangeText, parseImageChange } from "../promotion/message.ts";
import type { HistoryInput, RecordedPromotion, RemoteState, StageCommit, StageLog } from "./input.ts";
import {
  historyCaveats,
  type DeploymentEvent,
  type DeploymentHistory,
  type EventKind,
  type HistoryWarning,
  type ImagePeriod,
  type StageNow,
} from "./model.ts";

/** Where a shallow clone cuts the history: its boundary commits, and the source branches whose line reaches one. */
interface Cut {
  commits: ReadonlySet<string>;
  lines: ReadonlySet<string>;
}

function cutOf(shallow: readonly string[], sourceLines: ReadonlyMap<string, ReadonlySet<string>>): Cut {
  const commits = new Set(shallow);
  if (commits.size === 0) return { commits, lines: new Set() };
  const lines = [...sourceLines].filter(([, line]) => [...commits].some((commit) => line.has(commit)));
  return { commits, lines: new Set(lines.map(([branch]) => branch)) };
}

function kindOf({ claims, parents }: StageCommit): EventKind {
  if (claims.hotfix) return "hotfix";
  if (claims.promotedFrom || parents.length > 1) return "promotion";
  if (claims.rollbackOf) return "rollback";
  return "commit";
}

function eventOf(
  log: StageLog,
  entry: StageCommit,
  changes: ImageChange[],
  pushedAt: string | undefined,
): DeploymentEvent {
  const { claims } = entry;
  const kind = kindOf(entry);
  const event: DeploymentEvent = {
    stage: log.stage,
    commit: entry.commit,
    date: entry.date,
    author: `${entry.author} <${entry.email}>`,
    kind,
    subject: entry.subject,
    changes,
  };
  if (pushedAt) event.pushedAt = pushedAt;
  if (kind === "promotion" || kind === "hotfix") {
    // A plain `git merge --no-ff` made by hand has no trailers: its second parent is the source.
    event.from = claims.promotedFrom ?? log.promotedFrom;
    const source = claims.sourceCommit ?? entry.parents[1];
    if (source) event.sourceCommit = source;
  }
  return event;
}

/** A fast-forward promotion: the promoted commit itself, with who, when and whence from the record. */
function recordedPromotionEvent(
  log: StageLog,
  entry: StageCommit,
  promotion: RecordedPromotion,
  changes: ImageChange[],
  pushedAt: string | undefined,
): DeploymentEvent {
  const event: DeploymentEvent = {
    stage: log.stage,
    commit: entry.commit,
    // In git's form (as the commit dates are): the record's UTC `Z` is `+00:00`.
    date: promotion.at.replace(/Z$/, "+00:00"),
    author: promotion.by,
    kind: "promotion",
    from: promotion.from,
    sourceCommit: promotion.source,
    subject: entry.subject,
    changes,
  };
  if (pushedAt) event.pushedAt = pushedAt;
  return event;
}

function changeKey(change: ImageChange): string {
  return imageChangeText(change);
}

/** Whether the claimed image changes are the changes' texts, in any order. */
function sameTexts(changes: readonly ImageChange[], claimed: readonly string[]): boolean {
  return changes.length === claimed.length && changes.every((change) => claimed.includes(changeKey(change)));
}

// A literal each, not `{ ...at, message }`: V8 gives every object made that way a hidden class of its own.
const commitWarning = (log: StageLog, entry: StageCommit, message: string): HistoryWarning => ({
  stage: log.stage,
  commit: entry.commit,
  message,
});

/**
 * Checks a commit's own claims (message trailers) against the files and the other branches. Past
 * a shallow clone's boundary (`cut`) nothing can be told: a boundary commit's files are compared
 * with nothing and it follows nothing, and a source commit missing from a cut line may lie past it.
 */
function commitWarnings(
  log: StageLog,
  entry: StageCommit,
  changes: ImageChange[],
  sourceLines: ReadonlyMap<string, ReadonlySet<string>>,
  cut: Cut,
  warnings: HistoryWarning[],
): void {
  const { claims } = entry;
  if (cut.commits.has(entry.commit)) return;
  // The claims are read only when they are not, word for word, the changes (as promote writes them).
  if (claims.promotedTo !== undefined && !sameTexts(changes, claims.imageChanged)) {
    const actual = new Set(changes.map(changeKey));
    const said = new Set(
      claims.imageChanged
        .map(parseImageChange)
        .filter((change) => change !== undefined)
        .map(changeKey),
    );
    if (actual.size !== said.size || [...actual].some((key) => !said.has(key))) {
      warnings.push(
        commitWarning(
          log,
          entry,
          `the message claims image changes [${[...said].join("; ") || "none"}] but the files show [${[...actual].join("; ") || "none"}]; the files are used`,
        ),
      );
    }
  }
  const recordedTarget = claims.targetCommit;
  if (recordedTarget && entry.parents[0] !== recordedTarget) {
    warnings.push(
      commitWarning(
        log,
        entry,
        `made on top of ${recordedTarget.slice(0, 12)} but now follows ${entry.parents[0]?.slice(0, 12) ?? "nothing"}: ${log.branch} was rewritten after this promotion`,
      ),
    );
  }
  const { promotedFrom: from, sourceCommit: source } = claims;
  const line = from && !cut.lines.has(from) ? sourceLines.get(from) : undefined;
  if (line && source && !claims.hotfix && !line.has(source)) {
    warnings.push(
      commitWarning(
        log,
        entry,
        `promoted ${source.slice(0, 12)} from ${from}, which is no longer on ${from}: ${from} was rewritten (force-pushed or rebased) after this promotion`,
      ),
    );
  }
}

function remoteWarnings(remote: RemoteState, stageOf: (branch: string) => string): HistoryWarning[] {
  const stage = stageOf(remote.branch);
  const warnings: HistoryWarning[] = remote.forcedUpdates.map((update) => ({
    stage,
    commit: update.to,
    message: `${remote.remote}/${remote.branch} was force-updated at ${update.date} from ${update.from.slice(0, 12)} to ${update.to.slice(0, 12)}: its history was rewritten`,
  }));
  if (remote.ahead > 0 && remote.behind > 0) {
    warnings.push({
      stage,
      message: `${remote.branch} and ${remote.remote}/${remote.branch} have diverged (${remote.ahead} local, ${remote.behind} remote commits): one of them was rewritten or both changed`,
    });
  } else if (remote.ahead > 0) {
    warnings.push({
      stage,
      message: `${remote.ahead} commit(s) on ${remote.branch} are not pushed to ${remote.remote}: they did not deploy`,
    });
  }
  return warnings;
}

function periodsOf(log: StageLog, events: readonly DeploymentEvent[]): ImagePeriod[] {
  const open = new Map<string, ImagePeriod>();
  const periods: ImagePeriod[] = [];
  // Indexed loops: tens of thousands of changes, and a for-of allocates a result per step until optimized.
  for (let at = 0; at < events.length; at += 1) {
    const event = events[at]!;
    for (let index = 0; index < event.changes.length; index += 1) {
      const change = event.changes[index]!;
      const running = open.get(change.service);
      if (running) {
        running.until = event.date;
        running.endedBy = event.commit;
      }
      open.delete(change.service);
      if (change.to === undefined) continue;
      const period: ImagePeriod = {
        stage: log.stage,
        service: change.service,
        image: change.to,
        from: event.date,
        until: undefined,
        commit: event.commit,
        endedBy: undefined,
        by: event.author,
        kind: event.kind,
      };
      if (event.from) period.promotedFrom = event.from;
      if (event.sourceCommit) period.sourceCommit = event.sourceCommit;
      periods.push(period);
      open.set(change.service, period);
    }
  }
  return periods;
}

interface StageLine {
  /** What the branch carried when it became a stage branch: the source branch's past. */
  before: readonly StageCommit[];
  /** Whether `before` ran on the stage (a branch made by hand from its source) or not (`promote` created the branch). */
  beforeDeployed: boolean;
  /** The stage's own commits: promotions, rollbacks, hotfixes and direct commits. */
  own: readonly StageCommit[];
}

/**
 * Splits a stage branch's first-parent line where it became a stage branch. A promotion that
 * created the branch (Promoted-To without Target-Commit) starts it; what precedes it never ran
 * on the stage. Without one (a branch made by hand), the leading commits that are also on the
 * source branch's first-parent line are the source's past, and its last commit is what the
 * stage started with.
 */
function splitStageLine(log: StageLog, sourceLine: ReadonlySet<string> | undefined): StageLine {
  const line = (split: number, beforeDeployed: boolean): StageLine => ({
    before: log.commits.slice(0, split),
    beforeDeployed,
    own: log.commits.slice(split),
  });
  const creation = log.commits
    .map(({ claims }) => claims.promotedTo !== undefined && claims.targetCommit === undefined)
    .lastIndexOf(true);
  if (creation >= 0) return line(creation, false);
  if (!sourceLine) return line(0, false);
  const own = log.commits.findIndex((entry) => !sourceLine.has(entry.commit));
  return line(own < 0 ? log.commits.length : own, true);
}

/**
 * A fast-forward stage's line: it starts at its first recorded promotion (what precedes it never
 * ran on the stage), and holds the promoted commits and the stage's own commits (hotfixes,
 * reverts); the source's commits a fast-forward passed over never ran on the stage and are left out.
 */
function fastForwardLine(
  log: StageLog,
  line: StageLine,
  promotions: ReadonlyMap<string, RecordedPromotion>,
  sourceLine: ReadonlySet<string> | undefined,
): StageLine {
  const first = log.commits.findIndex((entry) => promotions.has(entry.commit));
  if (first < 0) return line;
  const split = Math.min(first, line.before.length);
  return {
    before: log.commits.slice(0, split),
    beforeDeployed: split < line.before.length ? false : line.beforeDeployed,
    own: log.commits.slice(split).filter((entry) => promotions.has(entry.commit) || !sourceLine?.has(entry.commit)),
  };
}

function originEvent(log: StageLog, line: StageLine, changes: ImageChange[]): DeploymentEvent {
  const first = line.before[0]!;
  const last = line.before.at(-1)!;
  const range =
    line.before.length === 1
      ? `${first.commit.slice(0, 12)}, ${first.date}`
      : `${first.commit.slice(0, 12)}..${last.commit.slice(0, 12)}, ${first.date} to ${last.date}`;
  return {
    stage: log.stage,
    commit: last.commit,
    date: last.date,
    author: `${last.author} <${last.email}>`,
    kind: "origin",
    from: log.promotedFrom,
    subject: `${line.before.length} commit(s) of ${log.promotedFrom} (${range}) before ${log.branch} became a stage branch${line.beforeDeployed ? "; the stage started with the last of them" : "; none of them ran on the stage"}`,
    changes,
    commits: line.before.length,
  };
}

/** The deployment history of every stage, from the first-parent lines of the stage branches. Pure. */
export function buildHistory(input: HistoryInput): DeploymentHistory {
  const events: DeploymentEvent[] = [];
  const periods: ImagePeriod[] = [];
  const warnings: HistoryWarning[] = [];
  const now: StageNow[] = [];
  const services = new Set<string>();
  const sourceLines = new Map(Object.entries(input.sourceLines).map(([branch, commits]) => [branch, new Set(commits)]));
  const cut = cutOf(input.shallow, sourceLines);
  // The first push of a commit is when it could deploy (the reflog is newest first: the oldest entry wins).
  const pushedAt = new Map<string, Map<string, string>>();
  for (const remote of input.remotes) {
    const pushes = pushedAt.get(remote.branch) ?? new Map<string, string>();
    for (const push of remote.pushes) pushes.set(push.commit, push.date);
    pushedAt.set(remote.branch, pushes);
  }
  for (const log of input.stages) {
    let previous: ServiceImages = {};
    const sourceLine = sourceLines.get(log.promotedFrom);
    const promotions = log.promotions;
    const gitLine = splitStageLine(log, sourceLine);
    const line = promotions?.size ? fastForwardLine(log, gitLine, promotions, sourceLine) : gitLine;
    const stageEvents: DeploymentEvent[] = [];
    if (line.before.length > 0) {
      const started = line.beforeDeployed ? line.before.at(-1)!.images : {};
      stageEvents.push(originEvent(log, line, imageChanges(previous, started)));
      previous = started;
      Object.keys(started).forEach((service) => services.add(service));
    }
    const pushes = pushedAt.get(log.branch);
    for (let at = 0; at < line.own.length; at += 1) {
      const entry = line.own[at]!;
      const changes = imageChanges(previous, entry.images);
      previous = entry.images;
      // A service new to the stage is a change to it: the services seen so far hold every other one.
      for (let index = 0; index < changes.length; index += 1)
        if (changes[index]!.to !== undefined) services.add(changes[index]!.service);
      commitWarnings(log, entry, changes, sourceLines, cut, warnings);
      const promotion = promotions?.get(entry.commit);
      stageEvents.push(
        promotion
          ? recordedPromotionEvent(log, entry, promotion, changes, pushes?.get(entry.commit))
          : eventOf(log, entry, changes, pushes?.get(entry.commit)),
      );
    }
    events.push(...stageEvents);
    periods.push(...periodsOf(log, stageEvents));
    Object.keys(log.waiting?.images ?? {}).forEach((service) => services.add(service));
    now.push({
      stage: log.stage,
      branch: log.branch,
      promotedFrom: log.promotedFrom,
      tip: log.commits.at(-1)?.commit,
      images: previous,
      waiting: log.waiting && { commits: log.waiting.commits, changes: imageChanges(previous, log.waiting.images) },
    });
  }
  const stageOf = (branch: string) => input.stages.find((log) => log.branch === branch)?.stage ?? branch;
  for (const remote of input.remotes) warnings.push(...remoteWarnings(remote, stageOf));
  return { source: "git", caveats: historyCaveats, warnings, events, periods, services: [...services].sort(), now };
}
