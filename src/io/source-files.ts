import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Read access to the repository's input files, by path relative to the repository root. */
export interface SourceFiles {
  read(path: string): string | undefined;
  /** Names of the files (not folders) directly in `dir`, sorted; empty when `dir` does not exist. */
  listFiles(dir: string): string[];
  /** Names of the folders directly in `dir`, sorted. */
  listDirs(dir: string): string[];
}

/** In-memory files, for tests and for rendering a planned change before it is written. */
export function memoryFiles(files: Readonly<Record<string, string>>): SourceFiles {
  const entries = (dir: string) => {
    const prefix = dir === "" || dir === "." ? "" : `${dir.replace(/\/$/, "")}/`;
    return Object.keys(files)
      .filter((path) => path.startsWith(prefix))
      .map((path) => path.slice(prefix.length));
  };
  return {
    read: (path) => files[path],
    listFiles: (dir) =>
      entries(dir)
        .filter((rest) => !rest.includes("/"))
        .sort(),
    listDirs: (dir) =>
      [
        ...new Set(
          entries(dir)
            .filter((rest) => rest.includes("/"))
            .map((rest) => rest.split("/")[0]!),
        ),
      ].sort(),
  };
}

export function diskFiles(root: string): SourceFiles {
  const kindOf = (dir: string, wantDir: boolean) => {
    const full = join(root, dir);
    if (!existsSync(full)) return [];
    return readdirSync(full, { withFileTypes: true })
      .filter((entry) => (wantDir ? entry.isDirectory() : entry.isFile()))
      .map((entry) => entry.name)
      .sort();
  };
  return {
    read: (path) => {
      const full = join(root, path);
      return existsSync(full) && statSync(full).isFile() ? readFileSync(full, "utf8") : undefined;
    },
    listFiles: (dir) => kindOf(dir, false),
    listDirs: (dir) => kindOf(dir, true),
  };
}

/** `base` with some files replaced: how a planned edit is validated before it is written. */
export function overlayFiles(base: SourceFiles, changed: Readonly<Record<string, string>>): SourceFiles {
  const added = memoryFiles(changed);
  const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();
  return {
    read: (path) => changed[path] ?? base.read(path),
    listFiles: (dir) => union(base.listFiles(dir), added.listFiles(dir)),
    listDirs: (dir) => union(base.listDirs(dir), added.listDirs(dir)),
  };
}

/** Every file below `dir`, with its text, sorted by path (what `generate` compares against). */
export function filesBelow(files: SourceFiles, dir: string): { path: string; text: string }[] {
  const walk = (at: string): { path: string; text: string }[] => [
    ...files.listFiles(at).map((name) => ({ path: `${at}/${name}`, text: files.read(`${at}/${name}`) ?? "" })),
    ...files.listDirs(at).flatMap((sub) => walk(`${at}/${sub}`)),
  ];
  return walk(dir).sort((a, b) => (a.path < b.path ? -1 : 1));
}
