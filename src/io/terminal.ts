import { createInterface } from "node:readline/promises";

/** Asks one question on the terminal (prompt on stderr); `undefined` when standard input is no terminal. */
export async function askOnTerminal(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question(question)).trim();
  } finally {
    prompt.close();
  }
}
