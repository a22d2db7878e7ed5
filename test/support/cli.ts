import { fileURLToPath } from "node:url";
import { execa } from "execa";

export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would (a separate process), in the repository. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = repositoryRoot): Promise<CliResult> {
  const result = await execa("node", [`${repositoryRoot}/bin/jore4-flux.js`, ...args], { cwd, env, reject: false, stdin: "ignore" });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
