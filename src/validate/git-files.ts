import { execa } from "execa";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { memoryFiles, type SourceFiles } from "../io/source-files.ts";

/**
 * The repository's YAML files as committed at `ref`, read into memory (the working tree is not
 * touched): two git calls, `ls-tree` for the blob ids and one `cat-file --batch` for all texts.
 * `clusters/` is skipped: `diff` renders both sides from their values.
 */
export async function gitFiles(root: string, ref: string, skipDir: string): Promise<SourceFiles> {
  const git = (args: string[], input?: string) => execa("git", args, { cwd: root, reject: false, encoding: "buffer", ...(input !== undefined ? { input } : {}) });
  const commit = await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (commit.exitCode !== 0) throw new Jore4FluxError(`'${ref}' is not a commit or branch of ${root}`, { exitCode: ExitCode.invalid, hint: "name a branch, tag or commit, e.g. --ref main or --ref origin/test" });
  const tree = await git(["ls-tree", "-r", "-z", Buffer.from(commit.stdout).toString("utf8").trim()]);
  if (tree.exitCode !== 0) throw new Jore4FluxError(`git ls-tree ${ref} failed: ${Buffer.from(tree.stderr).toString("utf8")}`, { exitCode: ExitCode.failed });
  const blobs = Buffer.from(tree.stdout)
    .toString("utf8")
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split("\t") as [string, string];
      return { id: meta.split(" ")[2]!, type: meta.split(" ")[1], path };
    })
    .filter((entry) => entry.type === "blob" && /\.ya?ml$/.test(entry.path) && !entry.path.startsWith(`${skipDir}/`));
  const batch = await git(["cat-file", "--batch"], blobs.map((blob) => blob.id).join("\n") + "\n");
  if (batch.exitCode !== 0) throw new Jore4FluxError(`git cat-file failed: ${Buffer.from(batch.stderr).toString("utf8")}`, { exitCode: ExitCode.failed });
  const output = Buffer.from(batch.stdout);
  const files: Record<string, string> = {};
  let offset = 0;
  for (const blob of blobs) {
    const headerEnd = output.indexOf(0x0a, offset);
    const size = Number(output.subarray(offset, headerEnd).toString("utf8").split(" ")[2]);
    files[blob.path] = output.subarray(headerEnd + 1, headerEnd + 1 + size).toString("utf8");
    offset = headerEnd + 1 + size + 1;
  }
  return memoryFiles(files);
}
