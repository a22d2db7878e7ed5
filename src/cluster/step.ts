/**
 * A step of a cluster operation: one external command line (kubectl, kind, az, helm) with its
 * standard input. Planning produces steps; `--dry-run` prints them; src/cluster/run.ts runs them (through src/tools/run.ts).
 */
export interface CommandStep {
  /** What the step does, for progress lines and error messages. */
  title: string;
  /** The command: argv[0] is the tool's name (resolved to the installed binary when run). */
  argv: string[];
  /** Text given on standard input (e.g. the objects to apply). */
  input?: string;
  /** The step may fail without failing the operation (e.g. deleting what is already gone). */
  tolerateFailure?: boolean;
  /** The tool talks to the user (e.g. `az login` opening a device-code prompt). */
  interactive?: boolean;
}

const plainWord = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** A command line a shell user could paste. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((word) => (plainWord.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(" ");
}

/** The dry-run rendering of steps: numbered command lines, each followed by its standard input. */
export function formatSteps(steps: readonly CommandStep[]): string {
  return steps
    .map((step, index) => {
      const header = `# ${index + 1}. ${step.title}\n${formatCommand(step.argv)}${step.input !== undefined ? " <<'EOF'" : ""}`;
      return step.input !== undefined ? `${header}\n${step.input.replace(/\n?$/, "\n")}EOF` : header;
    })
    .join("\n\n")
    .concat("\n");
}

/** The steps of `deploy crds`, by name (for `--skip`). */
export const crdSteps = [
  "flux",
  "secret-store-crds",
  "secret-store-driver",
  "ingress-nginx",
  "ingress-webhook",
  "ingress-wait",
] as const;
export type CrdStep = (typeof crdSteps)[number];
