import type { ProjectConfig } from "../config/project.ts";
import type { CommandStep } from "./step.ts";

/**
 * The Secrets Store CSI driver with its Azure provider, from the chart named in the configuration.
 * `--take-ownership` lets the release adopt the driver's CRDs, which `deploy crds` applies first
 * from crds/ so that the stage's SecretProviderClasses validate before Helm has run.
 */
export function secretStoreDriverStep(config: ProjectConfig, context: string): CommandStep {
  const driver = config.aks.secretStoreDriver;
  return {
    title: `install the Secrets Store CSI driver (chart ${driver.chart} ${driver.version}) with Helm`,
    argv: [
      "helm",
      "upgrade",
      "--install",
      driver.chart,
      driver.chart,
      "--repo",
      driver.chartRepository,
      "--version",
      driver.version,
      "--namespace",
      driver.namespace,
      "--create-namespace",
      "--take-ownership",
      "--kube-context",
      context,
      "--wait",
    ],
  };
}
