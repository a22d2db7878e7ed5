import { ExitCode, Jore4FluxError } from "../errors.ts";
import { memoryFiles, type SourceFiles } from "../io/source-files.ts";
import type { Git } from "./git.ts";

/**
 * The repository's YAML files as committed at `ref`, read into memory without touching the work
 * tree (one `ls-tree` and one `cat-file --batch`). Files below `skipDir` are left out.
 */
export async function filesAtRef(git: Git, ref: string, skipDir: string): Promise<SourceFiles> {
  const root = git.cwd;
  const commit = await git.commit(ref);
  if (!commit) {
    throw new Jore4FluxError(`'${ref}' is not a commit or branch of ${root}`, {
      exitCode: ExitCode.invalid,
      hint: "name a branch, tag or commit, e.g. --ref main or --ref origin/test",
    });
  }
  const blobs = [...(await git.filesAt(commit))].filter(
    ([path]) => /\.ya?ml$/.test(path) && !path.startsWith(`${skipDir}/`),
  );
  const texts = await git.readObjects(blobs.map(([, id]) => id));
  return memoryFiles(Object.fromEntries(blobs.map(([path, id]) => [path, texts.get(id) ?? ""])));
}
