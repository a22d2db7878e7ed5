import { Command } from "@commander-js/extra-typings";
import type * as Core from "../../command/promote.ts";
import { branchMoveOptions, dryRunOption, timeoutOption } from "../options.ts";
import { globals, type CommandEntry } from "../registry.ts";

export const promote: CommandEntry<typeof Core> = {
  define: (context, core) =>
    branchMoveOptions(
      new Command("promote")
        .description(
          "merge one stage's configuration into the next (git merge --no-ff along the configured order), after preflight checks",
        )
        .argument("<from>", "branch promoted from: the main branch or a stage")
        .argument("<to>", "stage promoted to")
        .addOption(dryRunOption("check and print what would change in clusters/<to>; change nothing")),
      {
        push: "push the stage branch afterwards (never with force)",
        yes: "answer yes to confirmations (CI); prod otherwise asks on the terminal",
        json: "print the plan and result as JSON",
      },
    )
      .option(
        "--wait",
        "with --push: ask Flux to reconcile now and follow the stage until the revision runs (exit 0) or fails (exit 1); the outcome goes to the record",
      )
      .addOption(timeoutOption("--timeout <duration>", "how long --wait follows", 600))
      .option(
        "--rollback-on-failure",
        "with --wait: when the revision fails, revert it on the stage branch (a new commit), push and follow that",
      )
      .option("--override <reason>", "promote past a refusing gate; the reason goes into the trailers and the record")
      .addHelpText(
        "after",
        `
Order (jore4-flux.yaml): main → dev → test → prod; playg and e2e from main. A skipped stage is refused.
Refused (exit 4), each with the command that fixes it: a dirty work tree, a branch that differs
from its remote, stale clusters/ on the source (generate --check), commits on the target that
the source lacks (an un-back-ported hotfix). A failure midway leaves every branch as it was.

Gates (jore4-flux.yaml \`gate: { soak: 30m }\`): the commit promoted must be recorded as applied and
rolled out on the stage it comes from, run the soak since, and not have failed (refused: exit 4;
the record is fetched first, see \`record\`). --dry-run shows the gate's verdict.

Examples:
  $ jore4-flux promote main dev --push --wait --timeout 10m
  $ jore4-flux promote main dev --dry-run
  $ jore4-flux promote dev test --push
  $ jore4-flux promote test prod --push --yes   # in CI`,
      )
      .action(async (from, to, options, command) =>
        (await core()).run({ ...globals(command), ...options, from, to }, context),
      ),
  run: () => import("../../command/promote.ts"),
};
