import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "../context.ts";
import { refreshedToc } from "../docs/toc.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { planFiles } from "../generate/committed.ts";
import { outputTarget, writeOutputFile } from "../io/output-file.ts";
import { reportPlan } from "./report.ts";
import { repositoryRoot, type GlobalOptions } from "./shell.ts";

export function run(options: GlobalOptions & { file: string; check?: true | undefined }, context: Context): void {
  const { file } = options;
  const root = repositoryRoot(context, options);
  // Read only as a regular file (through its links): a FIFO would block the read, a device is no Markdown.
  const target = outputTarget(join(root, file), file);
  let text: string;
  try {
    text = readFileSync(target.path, "utf8");
  } catch {
    throw new Jore4FluxError(`cannot read ${file}`, { exitCode: ExitCode.invalid });
  }
  const plan = planFiles(root, { [file]: refreshedToc(text) ?? text });
  if (!options.check) for (const write of plan.writes) writeOutputFile(join(root, write.path), file, write.text);
  reportPlan(context, plan, {
    check: options.check ?? false,
    what: `${file}: table of contents`,
    fix: "npx jore4-flux toc",
  });
}
