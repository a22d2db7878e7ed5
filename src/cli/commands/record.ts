import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { print, printJson, progress, type Context } from "../../context.ts";
import { jsonOption, noFetchOption, pushOption, sessionFor } from "../options.ts";

export function recordCommand(context: Context): CommandUnknownOpts {
  return new Command("record")
    .description(
      "add what each stage's cluster confirms (applied, rolled out, failed, superseded) to the deployment record in git notes (refs/notes/jore4-flux); idempotent, safe to run at once with others",
    )
    .argument("[stages...]", "the stages (default: every stage)")
    .addOption(pushOption("push the notes afterwards (never with force)"))
    .addOption(jsonOption("print what was read and recorded as JSON"))
    .addOption(noFetchOption())
    .addHelpText(
      "after",
      `
Each stage is read as \`status\` reads it (through its own kube context, read-only, bounded); only
events not recorded yet are added. \`git log --notes=jore4-flux\` shows the record.

Exit codes: 0 recorded (also when nothing was new), 3 a cluster unreachable (the others are
still recorded) or the notes could not be written or pushed.

Examples:
  $ jore4-flux record --push            # every stage; what the scheduled workflow runs
  $ jore4-flux record dev --json`,
    )
    .action(async (names, options, command) => {
      const { findStages } = await import("../../config/project.ts");
      const { ExitCode, Jore4FluxError } = await import("../../errors.ts");
      const { writeRecord } = await import("../../evidence/notes.ts");
      const { readStatuses, recordStatuses, recordText, stageTargets } = await import("../../evidence/record.ts");
      const { Git } = await import("../../git/git.ts");
      const { fetchRemote, remoteFor } = await import("../../promotion/repository.ts");
      const session = await sessionFor(context, command, { json: options.json });
      const stages = findStages(session.config, names);
      const git = new Git(context.run, session.root);
      const remote = await remoteFor(git);
      if (remote && options.fetch) {
        progress(context, `fetching ${remote}…`);
        await fetchRemote(git, remote);
        await writeRecord(git, new Map(), { remote });
      }
      const statuses = await readStatuses(session, git, remote, stageTargets(session, stages));
      const result = await recordStatuses(git, statuses, {
        remote: options.fetch || options.push ? remote : undefined,
        push: Boolean(options.push),
        now: context.now(),
      });
      if (options.json) printJson(context, result);
      else print(context, recordText(result));
      const unreachable = statuses.filter((status) => status.verdict === "unreachable");
      if (unreachable.length > 0)
        throw new Jore4FluxError(
          `not recorded: ${unreachable.map((status) => `${status.stage} (${status.reason})`).join(", ")}`,
          { exitCode: ExitCode.failed },
        );
    });
}
