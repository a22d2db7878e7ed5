import { join } from "node:path";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { kubectlSteps } from "./kubectl.ts";
import { items, objectId, objectsText, parseObjects, resourceType, type KubeObject } from "../kube/object.ts";
import {
  createdNamespaces,
  overrideImages,
  prunableTypes,
  pruneCandidates,
  resolveImageOverrides,
  semanticChanges,
  stageLabel,
  withRevision,
  withStageLabel,
  type AppliedChange,
  type RecordedDeploy,
} from "./objects.ts";
import { Git } from "../git/git.ts";
import { kustomizeBuild } from "../tools/run.ts";
import type { ImageOverride } from "../values/image-reference.ts";
import { stageValues } from "./login.ts";
import { waitForDeployments } from "./wait.ts";
import type { Session } from "./session.ts";
import type { Target } from "./target.ts";

export interface DeployClusterOptions {
  /** The kustomize folder to apply (default: clusters/<stage>). */
  cluster?: string;
  images: ImageOverride[];
  serverDryRun: boolean;
  prune: boolean;
  wait: boolean;
  timeoutSeconds: number;
}

export interface DeployClusterResult {
  changes: AppliedChange[];
  /** Objects pruned (or, with `serverDryRun`, that would be). */
  pruned: string[];
}

/** `kustomize build` of the stage's folder, labelled and with the image overrides: what is applied. */
export async function desiredObjects(
  session: Session,
  target: Target,
  options: Pick<DeployClusterOptions, "cluster" | "images">,
): Promise<KubeObject[]> {
  const dir = options.cluster ?? join(session.config.paths.clusters, target.stage.name);
  const built = await kustomizeBuild(session.context, session.root, dir);
  const objects = parseObjects(built, `kustomize build ${dir}`);
  if (objects.length === 0)
    throw new Jore4FluxError(`kustomize build ${dir} produced no objects`, { exitCode: ExitCode.invalid });
  const values = stageValues(session, target.stage.name);
  const serviceImages = Object.fromEntries(
    Object.entries(values.services).map(([name, service]) => [name, service.image]),
  );
  return overrideImages(
    withRevision(withStageLabel(objects, target.stage.name), values.namespace, await deployRevision(session, dir)),
    resolveImageOverrides(options.images, serviceImages),
  );
}

/** The commit the folder is applied from, for `status` to compare with HEAD; none outside a git checkout. */
async function deployRevision(
  session: Session,
  dir: string,
): Promise<(RecordedDeploy & { revision: string }) | undefined> {
  const git = new Git(session.context.run, session.root);
  const commit = await git.commit("HEAD");
  if (!commit) return undefined;
  const changes = await git.attempt(["status", "--porcelain", "--untracked-files=normal", "--", dir]);
  return { revision: commit, uncommitted: changes.stdout.trim() !== "" };
}

/**
 * Server-side dry run of every object: the server validates them all before anything is applied.
 * Objects in a namespace the apply itself creates are dry-run in `default` (their namespace does
 * not exist yet, and the server would refuse them for that alone).
 */
async function validate(session: Session, target: Target, objects: readonly KubeObject[]): Promise<KubeObject[]> {
  const kubectl = kubectlSteps(target.context);
  const existing = new Set(
    items((await session.read(kubectl.get("list namespaces", ["namespaces"]))).stdout).map(
      (namespace) => namespace.metadata.name,
    ),
  );
  const pending = new Set(createdNamespaces(objects).filter((namespace) => !existing.has(namespace)));
  const probe = objects.map((object) =>
    object.metadata.namespace && pending.has(object.metadata.namespace)
      ? { ...object, metadata: { ...object.metadata, namespace: "default" } }
      : object,
  );
  const step = kubectl.apply(`validate ${objects.length} objects (server-side dry run)`, objectsText(probe), {
    dryRun: true,
    output: "json",
  });
  const result = await session.read({ ...step, tolerateFailure: true });
  if (result.exitCode !== 0) {
    throw new Jore4FluxError(
      `the cluster rejects objects of stage ${target.stage.name}; nothing was applied:\n${result.stderr.trim()}`,
      {
        exitCode: ExitCode.invalid,
        hint: "fix the values (or manifests) and run `npx jore4-flux generate`; if a kind is unknown, run `npx jore4-flux deploy crds <stage>` first",
      },
    );
  }
  // Put the objects probed in `default` back into their own namespace.
  const moved = new Map(
    objects
      .filter((object) => object.metadata.namespace && pending.has(object.metadata.namespace))
      .map((object) => [`${object.kind}/${object.metadata.name}`, object.metadata.namespace]),
  );
  return items(result.stdout).map((object) => {
    const namespace =
      object.metadata.namespace === "default" ? moved.get(`${object.kind}/${object.metadata.name}`) : undefined;
    return namespace ? { ...object, metadata: { ...object.metadata, namespace } } : object;
  });
}

async function liveObjects(
  session: Session,
  target: Target,
  objects: readonly KubeObject[],
): Promise<Map<string, KubeObject>> {
  const step = kubectlSteps(target.context).get("read the live objects", ["--ignore-not-found", "-f", "-"]);
  const result = await session.read({ ...step, input: objectsText(objects) });
  return new Map(items(result.stdout).map((object) => [objectId(object), object]));
}

async function labelledLive(session: Session, target: Target, objects: readonly KubeObject[]): Promise<KubeObject[]> {
  const step = kubectlSteps(target.context).get("list the objects of earlier deploys", [
    prunableTypes(objects).join(","),
    "--all-namespaces",
    "-l",
    `${stageLabel}=${target.stage.name}`,
  ]);
  return items((await session.read(step)).stdout);
}

function pruneArgs(object: KubeObject): string[] {
  return [
    `${resourceType(object)}/${object.metadata.name}`,
    ...(object.metadata.namespace ? ["-n", object.metadata.namespace] : []),
  ];
}

/** `deploy cluster`: validate all, show or apply the change, prune, wait for the roll-out. */
export async function deployCluster(
  session: Session,
  target: Target,
  options: DeployClusterOptions,
): Promise<DeployClusterResult> {
  const kubectl = kubectlSteps(target.context);
  const objects = await desiredObjects(session, target, options);
  if (session.dryRun) {
    await session.run(
      kubectl.apply(`apply ${objects.length} objects of stage ${target.stage.name}`, objectsText(objects)),
    );
    if (options.prune)
      session.print(
        `# then: delete objects labelled ${stageLabel}=${target.stage.name} that are not among these (${prunableTypes(objects).join(", ")})\n`,
      );
    if (options.wait) session.print(`# then: wait up to ${options.timeoutSeconds} s for the Deployments to roll out\n`);
    return { changes: [], pruned: [] };
  }
  session.progress(
    `validating ${objects.length} objects of stage ${target.stage.name} against ${target.context} (server-side dry run)…`,
  );
  const dryRun = await validate(session, target, objects);
  const changes = semanticChanges(dryRun, await liveObjects(session, target, objects));
  const stale = options.prune ? pruneCandidates(await labelledLive(session, target, objects), objects) : [];
  const changed = changes.filter((change) => change.change !== "unchanged");
  if (options.serverDryRun) {
    for (const change of changed) session.print(change.diff);
    for (const object of stale) session.print(`would prune ${objectId(object)}\n`);
    session.progress(
      `server dry run: ${changes.filter((c) => c.change === "added").length} to create, ${changes.filter((c) => c.change === "changed").length} to change, ${changes.length - changed.length} unchanged, ${stale.length} to prune; nothing was applied`,
    );
    return { changes, pruned: stale.map(objectId) };
  }
  if (changed.length > 0) {
    session.progress(`applying ${changed.length} changed of ${objects.length} objects…`);
    await session.run(kubectl.apply(`apply the objects of stage ${target.stage.name}`, objectsText(objects)));
  }
  for (const object of stale) await session.run(kubectl.delete(`prune ${objectId(object)}`, pruneArgs(object)));
  session.progress(
    `stage ${target.stage.name}: ${changes.filter((c) => c.change === "added").length} created, ${changes.filter((c) => c.change === "changed").length} changed, ${changes.length - changed.length} unchanged, ${stale.length} pruned`,
  );
  if (options.wait)
    await waitForDeployments(
      session,
      target.context,
      objects.filter((object) => object.kind === "Deployment"),
      options.timeoutSeconds,
    );
  return { changes, pruned: stale.map(objectId) };
}
