/** Commits and their parents by index: walked once per stage, so integers, not ids. */
export interface CommitGraph {
  ids: string[];
  index: Map<string, number>;
  parents: number[][];
}

/** Reads `git rev-list --parents` output: one commit and its parents per line. */
export function parseCommitGraph(text: string): CommitGraph {
  const graph: CommitGraph = { ids: [], index: new Map(), parents: [] };
  const indexOf = (id: string) => {
    let at = graph.index.get(id);
    if (at === undefined) {
      at = graph.ids.push(id) - 1;
      graph.index.set(id, at);
      graph.parents.push([]);
    }
    return at;
  };
  for (const line of text.split("\n")) {
    if (!line) continue;
    const ids = line.split(" ");
    graph.parents[indexOf(ids[0]!)] = ids.slice(1).map(indexOf);
  }
  return graph;
}

/** A graph from its ids and parents (as kept), with its index made again. */
export function graphOf({ ids, parents }: { ids: string[]; parents: number[][] }): CommitGraph {
  return { ids, parents, index: new Map(ids.map((id, at) => [id, at])) };
}

/** Marks every commit reachable from `tip` (through all parents), not walking past those marked in `stop`. */
function reachable(graph: CommitGraph, tip: number, stop?: Uint8Array): Uint8Array {
  const found = new Uint8Array(graph.ids.length);
  const stack = [tip];
  while (stack.length > 0) {
    const commit = stack.pop()!;
    if (found[commit] || stop?.[commit]) continue;
    found[commit] = 1;
    stack.push(...graph.parents[commit]!);
  }
  return found;
}

/** `git rev-list --count --no-merges <base>..<tip>`: the non-merge commits reachable from `tip` and not from `base`. */
export function commitsOnlyIn(graph: CommitGraph, tip: string, base: string): number {
  const only = reachable(graph, graph.index.get(tip)!, reachable(graph, graph.index.get(base)!));
  return only.reduce((count, marked, commit) => count + (marked && graph.parents[commit]!.length <= 1 ? 1 : 0), 0);
}

/** `git rev-list --first-parent <tip>`: the tip and its first parents, newest first. */
export function firstParentLine(graph: CommitGraph, tip: string): string[] {
  const line: string[] = [];
  for (let commit = graph.index.get(tip); commit !== undefined; commit = graph.parents[commit]![0])
    line.push(graph.ids[commit]!);
  return line;
}
