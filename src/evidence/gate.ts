import { ago } from "../status/report-text.ts";
import { firstEvent, isoSeconds, type EvidenceEvent } from "./model.ts";

/**
 * A stage's gate: what the record must prove of the stage it is promoted from before `promote`
 * moves it (jore4-flux.yaml: `gate: { soak: 30m }`): the exact commit being promoted was applied
 * and rolled out there, has run at least `soak` since, and no failure was recorded for it since.
 * Pure: the decision table of the record's events, the time and an override.
 */

export interface Gate {
  soakSeconds: number;
}

export const gateVerdicts = ["ungated", "passed", "overridden", "missing", "failed", "superseded", "soaking"] as const;
export type GateVerdict = (typeof gateVerdicts)[number];

export interface GateDecision {
  verdict: GateVerdict;
  /** Whether the promotion may go ahead. */
  allowed: boolean;
  /** One line: what the record shows, or what it lacks. */
  evidence: string;
  /** What to run or wait for (refusals). */
  fix?: string;
  /** When the soak ends (soaking). */
  until?: string;
  /** The refusal an override went past (overridden). */
  overrides?: GateVerdict;
  reason?: string;
}

export interface GateInput {
  /** The stage promoted from, and its own promotion command (the fix when nothing is recorded). */
  fromStage: string;
  promoteFrom: string;
  commit: string;
  /** What the record holds for `fromStage` on `commit`. */
  events: readonly EvidenceEvent[];
  gate: Gate | undefined;
  now: Date;
  override?: string | undefined;
}

const seconds = (from: string, to: string | Date) =>
  Math.floor(((typeof to === "string" ? Date.parse(to) : to.getTime()) - Date.parse(from)) / 1000);

/** The gate's verdict on promoting `commit` from `fromStage`. */
export function gateDecision(input: GateInput): GateDecision {
  if (!input.gate) return { verdict: "ungated", allowed: true, evidence: "no gate on this stage" };
  const refused = refusal(input, input.gate);
  if (!refused) {
    const rolledOut = firstEvent(input.events, "rolled-out")!;
    return {
      verdict: "passed",
      allowed: true,
      evidence: `${input.fromStage} rolled out ${short(input.commit)} at ${rolledOut.at} and has run it ${ago(seconds(rolledOut.at, input.now))} with no failure (soak ${ago(input.gate.soakSeconds)})`,
    };
  }
  if (input.override !== undefined)
    return {
      verdict: "overridden",
      allowed: true,
      evidence: `gate overridden (${input.override}); it would have refused: ${refused.evidence}`,
      overrides: refused.verdict,
      reason: input.override,
    };
  return refused;
}

const short = (commit: string) => commit.slice(0, 12);

function refusal(input: GateInput, gate: Gate): GateDecision | undefined {
  const { fromStage: stage, commit, events, now } = input;
  const applied = firstEvent(events, "applied");
  const rolledOut = firstEvent(events, "rolled-out");
  const rolledBack = firstEvent(events, "rolled-back");
  const since = rolledOut?.at ?? applied?.at ?? "";
  const failure = events.find((event) => event.kind === "failed" && (!rolledOut || event.at >= since));
  const stopped = firstEvent(events, "stopped");
  const record = `jore4-flux record ${stage}`;
  if (rolledBack)
    return {
      verdict: "failed",
      allowed: false,
      evidence: `${stage} rolled ${short(commit)} back at ${rolledBack.at}${failure ? ` after it failed: ${failure.details?.reason ?? ""}` : ""}`,
      fix: `fix it on the main branch and promote the fix through ${stage} again`,
    };
  if (failure)
    return {
      verdict: "failed",
      allowed: false,
      evidence: `${stage} failed with ${short(commit)} at ${failure.at}: ${failure.details?.reason ?? "no reason recorded"}`,
      fix: `fix it and promote the fix through ${stage} again (or --override "<reason>")`,
    };
  if (!rolledOut)
    return {
      verdict: "missing",
      allowed: false,
      evidence: applied
        ? `${stage} applied ${short(commit)} at ${applied.at}, but no roll-out of it is recorded`
        : `no record that ${stage} applied and rolled out ${short(commit)}`,
      fix: `${record} (once ${stage}'s cluster runs it), or jore4-flux promote ${input.promoteFrom} ${stage} --push --wait`,
    };
  if (stopped) {
    const ran = seconds(rolledOut.at, stopped.at);
    if (stopped.details?.why === "reverted" || ran < gate.soakSeconds)
      return {
        verdict: "superseded",
        allowed: false,
        evidence: `${stage} ran ${short(commit)} only ${ago(Math.max(0, ran))} (from ${rolledOut.at} until ${stopped.at}, ${stopped.details?.why ?? "stopped"}), less than the soak of ${ago(gate.soakSeconds)}`,
        fix: `promote what ${stage} runs now, once it has soaked`,
      };
    return undefined;
  }
  const ran = seconds(rolledOut.at, now);
  if (ran < gate.soakSeconds) {
    const until = isoSeconds(new Date(Date.parse(rolledOut.at) + gate.soakSeconds * 1000));
    return {
      verdict: "soaking",
      allowed: false,
      evidence: `${stage} rolled out ${short(commit)} at ${rolledOut.at}: it has run ${ago(Math.max(0, ran))} of its soak of ${ago(gate.soakSeconds)}`,
      fix: `wait ${ago(gate.soakSeconds - ran)} (until ${until}) and run again, or --override "<reason>"`,
      until,
    };
  }
  return undefined;
}

/** One line per decision, for the plan and the refusal. */
export function gateText(decision: GateDecision): string {
  return `gate: ${decision.verdict}: ${decision.evidence}`;
}
