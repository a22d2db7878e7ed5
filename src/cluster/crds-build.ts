import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { stringify } from "yaml";
import type { Context } from "../context.ts";
import { crdFiles, ingressNginx, secretStoreDriver } from "./crd-sources.ts";
import { fluxControllers, moduleDir, type ModulePin } from "../tools/go-modules.ts";
import { kustomizeBuild } from "../tools/run.ts";

const fluxNamespace = "flux-system";
const header = (what: string, pins: readonly ModulePin[]) =>
  `# ${what}, assembled by \`npx jore4-flux crds build\` from ${pins.map((pin) => `${pin.module}@${pin.version}`).join(", ")}.\n# Do not edit: change the pins (src/tools/go-modules.ts, src/cluster/crd-sources.ts) and rebuild.\n`;

/**
 * The Flux installation: each pinned controller's `config/` (CRDs, RBAC, Deployment) built with
 * our kustomize into the flux-system namespace — what `flux install` does from release files.
 */
async function fluxManifest(context: Context, root: string): Promise<string> {
  const dirs = await Promise.all(fluxControllers.map((pin) => moduleDir(context, pin)));
  const work = mkdtempSync(join(tmpdir(), "jore4-flux-crds-"));
  try {
    writeFileSync(
      join(work, "namespace.yaml"),
      stringify({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: fluxNamespace, labels: { "app.kubernetes.io/instance": fluxNamespace } },
      }),
    );
    const kustomization = {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      namespace: fluxNamespace,
      resources: [
        "namespace.yaml",
        ...dirs.flatMap((dir) => ["crd", "rbac", "manager"].map((part) => relative(work, join(dir, "config", part)))),
      ],
    };
    writeFileSync(join(work, "kustomization.yaml"), stringify(kustomization));
    // The kustomization refers to the module cache, outside its folder.
    const built = await kustomizeBuild(context, root, work, ["--load-restrictor", "LoadRestrictionsNone"]);
    return (
      header(
        `The Flux installation (${fluxControllers.map((pin) => pin.module.split("/").pop()).join(", ")})`,
        fluxControllers,
      ) + built.replace(/\n$/, "") // as committed: without the final newline
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function copiedFiles(
  context: Context,
  pin: ModulePin,
  what: string,
  files: readonly string[],
  leaveOut: (document: string) => boolean = () => false,
): Promise<string> {
  const dir = await moduleDir(context, pin);
  const documents = files.flatMap((file) =>
    readFileSync(join(dir, file), "utf8")
      .replace(/^---\n/, "")
      .split(/^---\n/m),
  );
  return header(what, [pin]) + documents.filter((document) => !leaveOut(document)).join("---\n");
}

/** Every file of crds/, by path: deterministic for the pinned modules. */
export async function buildCrdFiles(context: Context, root: string): Promise<Record<string, string>> {
  return {
    [crdFiles.flux]: await fluxManifest(context, root),
    [crdFiles.secretStore]: await copiedFiles(context, secretStoreDriver, "The Secrets Store CSI driver's CRDs", [
      "config/crd/bases/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml",
      "config/crd/bases/secrets-store.csi.x-k8s.io_secretproviderclasspodstatuses.yaml",
    ]),
    // Without its admission webhook, which only slows start-up; a second `deploy crds` then changes nothing.
    [crdFiles.ingressNginx]: await copiedFiles(
      context,
      ingressNginx,
      "ingress-nginx for kind (its kind provider manifest, without the admission webhook)",
      ["deploy/static/provider/kind/deploy.yaml"],
      (document) => /^kind: ValidatingWebhookConfiguration$/m.test(document),
    ),
  };
}
