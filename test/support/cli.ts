import { execa } from "execa";
import { join } from "node:path";
import { repoRoot } from "./repo-fixture.ts";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a subprocess, as a user would, against the repository `dir`. */
export async function runCli(dir: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [join(repoRoot, "bin/jore4-flux.js"), "--dir", dir, ...args], {
    reject: false,
    env,
    stdin: "ignore",
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
