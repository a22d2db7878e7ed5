import { Git } from "../../src/git/git.ts";
import { recordOf, type EventKind } from "../../src/evidence/model.ts";
import { writeRecord } from "../../src/evidence/notes.ts";
import { processRunner } from "../../src/process-context.ts";

/**
 * A separate process writing to the deployment record, as a second `record` run would: the
 * concurrency tests start several at once. Arguments: the repository, then `commit:stage:kind:at`
 * per event; writes them with the remote `origin` and pushes.
 */
const [root, ...specs] = process.argv.slice(2);
const git = new Git(processRunner(process.env, root!), root!);
const entries = specs.map((spec) => {
  const [commit, stage, kind, at] = spec.split("|") as [string, string, EventKind, string];
  return { commit, event: { stage, kind, at } };
});
const result = await writeRecord(git, recordOf(entries), { remote: "origin", push: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
