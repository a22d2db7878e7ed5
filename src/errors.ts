/** Exit codes, documented in the README; only src/cli/main.ts turns them into a process exit. */
export const ExitCode = {
  ok: 0,
  /** A check found something: stale files, errors from `check`, differences where none may be. */
  findings: 1,
  /** Bad usage or bad input (values, configuration, arguments). Nothing was written. */
  invalid: 2,
  /** An external tool or step failed (git, kustomize, kubectl, go), or a tool is missing. */
  failed: 3,
  /** A safety guard refused: wrong kube context, dirty work tree, unconfirmed prod change. */
  refused: 4,
  /** An unexpected failure: a bug in jore4-flux or the system refusing (one line; DEBUG=1 prints the stack). */
  internal: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One thing wrong with the input, located as precisely as the input allows. */
export interface Problem {
  location?: SourceLocation;
  /** Dotted key path inside the file, e.g. `services.auth.image`. */
  path?: string;
  message: string;
}

export function formatProblem(problem: Problem): string {
  const where = problem.location
    ? `${problem.location.file}:${problem.location.line}:${problem.location.column}`
    : undefined;
  return [where, problem.path].filter(Boolean).join(" ") + (where || problem.path ? ": " : "") + problem.message;
}

/** The one error type commands throw; it carries the exit code and every problem found. */
export class Jore4FluxError extends Error {
  readonly exitCode: ExitCode;
  readonly problems: readonly Problem[];
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: ExitCode; problems?: readonly Problem[]; hint?: string } = {}) {
    super(message);
    this.name = "Jore4FluxError";
    this.exitCode = options.exitCode ?? ExitCode.failed;
    this.problems = options.problems ?? [];
    this.hint = options.hint;
  }
}

/** Bad input: all problems are reported at once, nothing has been written. */
export function invalidInput(problems: readonly Problem[], summary?: string): Jore4FluxError {
  const first = problems[0];
  const message =
    problems.length === 1 && first ? formatProblem(first) : (summary ?? `${problems.length} problems in the input`);
  return new Jore4FluxError(message, { exitCode: ExitCode.invalid, problems });
}

/** Collects problems from several steps so that one error reports them all, each once. */
export class ProblemList {
  readonly problems: Problem[] = [];

  /** Runs `step`; an input error it throws is kept, and `undefined` returned. */
  attempt<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      if (error instanceof Jore4FluxError && error.problems.length > 0) {
        this.problems.push(...error.problems);
        return undefined;
      }
      throw error;
    }
  }

  throwIfAny(summary: string): void {
    // A problem in a file several stages read shows up once per stage: report it once.
    const seen = new Set<string>();
    const unique = this.problems.filter((problem) => {
      const key = formatProblem(problem);
      return !seen.has(key) && Boolean(seen.add(key));
    });
    this.problems.splice(0, this.problems.length, ...unique);
    if (this.problems.length > 0) throw invalidInput(this.problems, `${summary}: ${this.problems.length} problems`);
  }
}

/** A failed tool's own message, on one line: the error without its first line (the step and command). */
export const toolMessage = (error: Jore4FluxError): string =>
  error.message.split("\n").slice(1).join(" ").trim() || error.message;

/** What a file-system error code means to the person who ran the command. */
const fileSystemReasons: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "a folder is in the way of a file",
  ENOTDIR: "a file is in the way of a folder",
  EEXIST: "a file is in the way of a folder",
  ENOENT: "no such file or folder",
  ELOOP: "a symbolic link that leads in a circle",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
  EROFS: "the file system is read-only",
  EFBIG: "the file is too large for the file system",
  ENAMETOOLONG: "the name is too long",
};

/**
 * The one mapping of a file-system failure to what the person sees (every reader and writer of
 * the shell uses it): one line naming the path and the reason. Reading, the input is not as it
 * must be (exit 2); writing, the file system refused a step (exit 3, as for any failed step).
 * Anything that is not a file-system error is passed on as it is (an unexpected failure).
 */
export function fileSystemError(path: string, error: unknown, action: "read" | "write"): unknown {
  if (error instanceof Jore4FluxError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return error;
  const reason = fileSystemReasons[code] ?? (error as Error).message;
  return new Jore4FluxError(`cannot ${action} ${path}: ${reason}`, {
    exitCode: action === "read" ? ExitCode.invalid : ExitCode.failed,
  });
}
