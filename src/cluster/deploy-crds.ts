import { readFileSync } from "node:fs";
import { join } from "node:path";
import { crdFiles, ingressNginxObjects } from "./crd-sources.ts";
import { secretStoreDriverStep } from "./helm.ts";
import { kubectlSteps } from "./kubectl.ts";
import { parseObjects } from "../kube/object.ts";
import type { Session } from "./session.ts";
import type { CommandStep, CrdStep } from "./step.ts";
import type { Target } from "./target.ts";
import { waitForDeployments } from "./wait.ts";

export interface DeployCrdsOptions {
  skip: readonly CrdStep[];
  wait: boolean;
  timeoutSeconds: number;
}

/** The planned steps for the stage's platform, in order. Pure. */
export function planCrdSteps(
  session: Pick<Session, "config">,
  target: Target,
): { name: CrdStep; step?: CommandStep }[] {
  const kubectl = kubectlSteps(target.context);
  const flux = { name: "flux" as const, step: kubectl.applyFile("install Flux (crds/flux.yaml)", crdFiles.flux) };
  if (target.stage.platform === "aks") {
    return [
      flux,
      {
        name: "secret-store-crds",
        step: kubectl.applyFile("install the Secrets Store CSI driver's CRDs", crdFiles.secretStore),
      },
      { name: "secret-store-driver", step: secretStoreDriverStep(session.config, target.context) },
    ];
  }
  return [
    flux,
    { name: "ingress-nginx", step: kubectl.applyFile("install ingress-nginx (kind provider)", crdFiles.ingressNginx) },
    {
      name: "ingress-webhook",
      // crds/ leaves the admission webhook out; this removes one an older install left (it blocks Ingresses until its pod runs).
      step: kubectl.delete("remove the ingress-nginx admission webhook", [
        "validatingwebhookconfiguration",
        ingressNginxObjects.admissionWebhook,
      ]),
    },
    { name: "ingress-wait" },
  ];
}

export async function deployCrds(session: Session, target: Target, options: DeployCrdsOptions): Promise<void> {
  const planned = planCrdSteps(session, target).filter(
    (entry) => !options.skip.includes(entry.name) && (entry.step || options.wait),
  );
  for (const entry of planned) {
    if (entry.step) await session.run(entry.step);
    else if (session.dryRun)
      session.print(
        `# then: wait up to ${options.timeoutSeconds} s for Deployment ${ingressNginxObjects.namespace}/${ingressNginxObjects.controller} (the ingress controller pod)\n`,
      );
    else {
      const controller = parseObjects(
        readFileSync(join(session.root, crdFiles.ingressNginx), "utf8"),
        crdFiles.ingressNginx,
      ).filter((object) => object.kind === "Deployment" && object.metadata.name === ingressNginxObjects.controller);
      await waitForDeployments(session, target.context, controller, options.timeoutSeconds);
    }
  }
  if (!session.dryRun)
    session.progress(
      `stage ${target.stage.name}: prerequisites installed (${planned.map((entry) => entry.name).join(", ")})`,
    );
}
