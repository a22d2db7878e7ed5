import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import { crdFiles } from "./crd-sources.ts";
import { kubectlSteps } from "./kubectl.ts";
import { parseObjects, resourceType, type KubeObject } from "../kube/object.ts";
import type { Session } from "./session.ts";
import { formatCommand, type CommandStep } from "./step.ts";
import type { Target } from "./target.ts";

/** What `deploy crds` installed for Flux (crds/flux.yaml), grouped the way uninstall removes it. */
export interface FluxInstallation {
  namespace: string;
  /** The controllers and everything they run with (Deployments, Services, RBAC…), as `kind.group/name`. */
  namespaced: string[];
  clusterScoped: string[];
  /** CRD names (`plural.group`): deleting one deletes every object of its kind. */
  crds: string[];
}

const ref = (object: KubeObject) => `${resourceType(object)}/${object.metadata.name}`;

/** Groups the objects of crds/flux.yaml. Pure. */
export function fluxInstallation(objects: readonly KubeObject[], namespace: string): FluxInstallation {
  const components = objects.filter(
    (object) => object.kind !== "CustomResourceDefinition" && !(object.kind === "Namespace"),
  );
  return {
    namespace,
    namespaced: components.filter((object) => object.metadata.namespace !== undefined).map(ref),
    clusterScoped: components.filter((object) => object.metadata.namespace === undefined).map(ref),
    crds: objects.filter((object) => object.kind === "CustomResourceDefinition").map((object) => object.metadata.name),
  };
}

const noFinalizers = JSON.stringify({ metadata: { finalizers: null } });
const suspended = JSON.stringify({ spec: { suspend: true } });
const describe = (object: KubeObject) =>
  `${resourceType(object)} ${object.metadata.namespace ?? "default"}/${object.metadata.name}`;

function patch(context: string, object: KubeObject, body: string): Omit<CommandStep, "title"> {
  return {
    argv: [
      "kubectl",
      "--context",
      context,
      "patch",
      resourceType(object),
      object.metadata.name,
      "-n",
      object.metadata.namespace ?? "default",
      "--type=merge",
      "-p",
      body,
    ],
  };
}

/** The fixed steps, in order: stop the controllers, then (after their objects' finalizers are gone) the CRDs, then the namespace. Pure. */
export function uninstallSteps(installation: FluxInstallation, context: string) {
  const kubectl = kubectlSteps(context);
  return {
    components: [
      ...(installation.namespaced.length > 0
        ? [
            kubectl.delete(`delete the Flux controllers and their objects in ${installation.namespace}`, [
              "-n",
              installation.namespace,
              ...installation.namespaced,
            ]),
          ]
        : []),
      ...(installation.clusterScoped.length > 0
        ? [kubectl.delete("delete Flux's cluster roles and bindings", installation.clusterScoped)]
        : []),
    ],
    readCrds: kubectl.get("read which Flux CRDs are installed", [
      "customresourcedefinitions",
      ...installation.crds,
      "--ignore-not-found",
    ]),
    readObjects: (crds: readonly string[]) =>
      kubectl.get("read the Flux objects (GitRepositories, Kustomizations, …) in every namespace", [
        crds.join(","),
        "--all-namespaces",
      ]),
    /** First, while the controllers still run: a suspended Kustomization is deleted without pruning what it applied. */
    suspend: (object: KubeObject): CommandStep => ({
      ...patch(context, object, suspended),
      title: `suspend ${describe(object)}, so that deleting it prunes nothing`,
      tolerateFailure: true,
    }),
    dropFinalizers: (object: KubeObject): CommandStep => ({
      ...patch(context, object, noFinalizers),
      title: `remove the finalizers of ${describe(object)} (its controller is gone; what it applied stays)`,
      tolerateFailure: true,
    }),
    crds: kubectl.delete("delete the Flux CRDs", ["customresourcedefinitions", ...installation.crds]),
    namespace: kubectl.delete(`delete the namespace ${installation.namespace}`, ["namespace", installation.namespace]),
    readCrdNames: {
      title: "read which Flux CRDs are left",
      argv: [
        "kubectl",
        "--context",
        context,
        "get",
        "customresourcedefinitions",
        ...installation.crds,
        "--ignore-not-found",
        "-o",
        "name",
      ],
    } satisfies CommandStep,
    readNamespace: kubectl.get(`read the namespace ${installation.namespace}`, [
      "namespace",
      installation.namespace,
      "--ignore-not-found",
    ]),
    /** The namespace's `finalize` subresource: what the README told people to do by hand with `kubectl replace --raw`. */
    finalize: (namespace: KubeObject): CommandStep => ({
      title: `clear the finalizers of the namespace ${installation.namespace}, which hangs in Terminating (PUT /api/v1/namespaces/${installation.namespace}/finalize)`,
      argv: [
        "kubectl",
        "--context",
        context,
        "replace",
        "--raw",
        `/api/v1/namespaces/${installation.namespace}/finalize`,
        "-f",
        "-",
      ],
      input: JSON.stringify({ ...namespace, spec: { ...(namespace.spec as object), finalizers: [] } }),
    }),
    dropNamespaceFinalizers: {
      title: `remove the metadata finalizers of the namespace ${installation.namespace}`,
      argv: [
        "kubectl",
        "--context",
        context,
        "patch",
        "namespace",
        installation.namespace,
        "--type=merge",
        "-p",
        noFinalizers,
      ],
    } satisfies CommandStep,
  };
}

export interface UninstallOptions {
  /** How long the namespace may stay in Terminating before its finalizers are cleared. */
  timeoutSeconds: number;
}

export interface UninstallResult {
  /** The objects deleted (`kind.group/name`, as kubectl names them): none when Flux was not there. */
  removed: string[];
  /** The objects whose finalizers were removed. */
  unblocked: string[];
  /** The namespace hung in Terminating and its finalizers were cleared. */
  namespaceFinalized: boolean;
}

interface NamespaceObject extends KubeObject {
  metadata: KubeObject["metadata"] & { finalizers?: string[]; deletionTimestamp?: string };
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

const pollMs = 1000;
const goneSeconds = 30;

function parseItems(text: string): KubeObject[] {
  return (JSON.parse(text || "{}") as { items?: KubeObject[] }).items ?? [];
}

/**
 * `uninstall flux <stage>`, the README's troubleshooting steps as one command: removes what
 * crds/flux.yaml installed, without letting Flux's finalizers prune the workloads, and clears a
 * namespace that hangs in Terminating.
 */
export async function uninstallFlux(
  session: Session,
  target: Target,
  options: UninstallOptions,
): Promise<UninstallResult> {
  const file = join(session.root, crdFiles.flux);
  if (!existsSync(file))
    throw new Jore4FluxError(`${crdFiles.flux} is missing: it lists what Flux's installation consists of`, {
      exitCode: ExitCode.invalid,
      hint: "run in the jore4-flux repository (or rebuild it with `npx jore4-flux crds build`)",
    });
  const objects = parseObjects(readFileSync(file, "utf8"), crdFiles.flux);
  const installation = fluxInstallation(objects, session.config.flux.namespace);
  const steps = uninstallSteps(installation, target.context);
  const result: UninstallResult = { removed: [], unblocked: [], namespaceFinalized: false };
  /** Runs a delete step, keeping what it deleted (nothing in a dry run). */
  const remove = async (step: CommandStep) => {
    const deleted = await session.run(step);
    result.removed.push(...(deleted?.stdout.split("\n").filter(Boolean) ?? []));
  };
  if (session.dryRun) {
    const example: KubeObject = {
      apiVersion: "<group>/<version>",
      kind: "<Kind>",
      metadata: { name: "<name>", namespace: "<namespace>" },
    };
    session.print(
      `# first: for every object of the installed Flux CRDs (${installation.crds.join(", ")}) in every namespace:\n${formatCommand(steps.suspend(example).argv)}\n`,
    );
    for (const step of steps.components) await remove(step);
    session.print(
      `# then, for each of those objects that has finalizers:\n${formatCommand(steps.dropFinalizers(example).argv)}\n`,
    );
  } else {
    const installed = parseItems((await session.read(steps.readCrds)).stdout).map((crd) => crd.metadata.name);
    const fluxObjects = async () =>
      installed.length === 0 ? [] : parseItems((await session.read(steps.readObjects(installed))).stdout);
    for (const object of await fluxObjects()) await session.run(steps.suspend(object));
    for (const step of steps.components) await remove(step);
    const blocked = (await fluxObjects()).filter(
      (object) => ((object.metadata.finalizers as string[] | undefined) ?? []).length > 0,
    );
    for (const object of blocked) {
      await session.run(steps.dropFinalizers(object));
      result.unblocked.push(describe(object));
    }
  }
  await remove(steps.crds);
  await remove(steps.namespace);
  if (session.dryRun) {
    session.print(
      `# then: wait up to ${options.timeoutSeconds} s for the namespace ${installation.namespace} to go; if it still hangs in Terminating:\n${formatCommand(steps.dropNamespaceFinalizers.argv)}   # only when it has metadata finalizers\n${formatCommand(steps.finalize({ apiVersion: "v1", kind: "Namespace", metadata: { name: installation.namespace } }).argv)}   # the namespace object with spec.finalizers emptied\n`,
    );
    return result;
  }
  const deadline = session.context.now().getTime() + options.timeoutSeconds * 1000;
  for (;;) {
    const read = (await session.read(steps.readNamespace)).stdout.trim();
    if (read === "") break;
    const namespace = JSON.parse(read) as NamespaceObject;
    if (session.context.now().getTime() >= deadline) {
      session.progress(
        `namespace ${installation.namespace} still Terminating after ${options.timeoutSeconds} s (finalizers: ${[...(namespace.metadata.finalizers ?? []), ...(namespace.spec?.finalizers ?? [])].join(", ") || "none"})`,
      );
      let current: NamespaceObject | undefined = namespace;
      if ((namespace.metadata.finalizers ?? []).length > 0) {
        await session.run(steps.dropNamespaceFinalizers);
        // The patch changed its resourceVersion: finalize the namespace as it is now (if still there).
        const again = (await session.read(steps.readNamespace)).stdout.trim();
        current = again === "" ? undefined : (JSON.parse(again) as NamespaceObject);
      }
      if (current && (current.spec?.finalizers ?? []).length > 0) await session.run(steps.finalize(current));
      result.namespaceFinalized = true;
      await waitGone(session, steps.readNamespace, `namespace ${installation.namespace}`);
      break;
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - session.context.now().getTime())));
  }
  await waitGone(session, steps.readCrdNames, "the Flux CRDs");
  if (result.removed.length === 0 && result.unblocked.length === 0 && !result.namespaceFinalized) {
    session.progress(
      `stage ${target.stage.name}: no Flux installation found (no controllers, CRDs or namespace ${installation.namespace}): nothing to remove`,
    );
    return result;
  }
  session.progress(
    `stage ${target.stage.name}: Flux uninstalled (${result.removed.length} object(s) deleted: controllers, CRDs and the namespace ${installation.namespace}; ${result.unblocked.length} object(s) unblocked${result.namespaceFinalized ? "; the namespace's finalizers were cleared" : ""}); the workloads Flux applied are left running`,
  );
  return result;
}

/** Waits (bounded) until `read` prints nothing: what was deleted is gone. */
async function waitGone(session: Session, read: CommandStep, what: string): Promise<void> {
  const deadline = session.context.now().getTime() + goneSeconds * 1000;
  for (
    let left = (await session.read(read)).stdout.trim();
    left !== "";
    left = (await session.read(read)).stdout.trim()
  ) {
    if (session.context.now().getTime() >= deadline)
      throw new Jore4FluxError(
        `${what} still there ${goneSeconds} s after being deleted: ${left.replaceAll("\n", ", ")}`,
        {
          exitCode: ExitCode.failed,
          hint: "look at their finalizers with `kubectl get <object> -o yaml`",
        },
      );
    await sleep(pollMs);
  }
}
