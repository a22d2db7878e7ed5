import { findStages } from "../config/project.ts";
import { print, printJson, progress, type Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { writeRecord } from "../evidence/notes.ts";
import { readStatuses, recordStatuses, recordText, stageTargets } from "../evidence/record.ts";
import { Git } from "../git/git.ts";
import { fetchRemote, remoteFor } from "../promotion/repository.ts";
import { sessionFor, type GlobalOptions } from "./shell.ts";

export async function run(
  options: GlobalOptions & { stages: string[]; push?: true | undefined; json?: true | undefined; fetch: boolean },
  context: Context,
): Promise<void> {
  const session = sessionFor(context, { dir: options.dir, json: options.json });
  const stages = findStages(session.config, options.stages);
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
}
