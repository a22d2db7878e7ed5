import { stringify } from "yaml";
import type { ProjectConfig } from "../config/project.ts";
import type { Values } from "../values/schema.ts";
import type { CommandStep } from "./step.ts";

/** The node port of the ingress controller inside the kind node (ingress-nginx's kind provider). */
const ingressContainerPort = 80;
/** `kind create` waits this long for the nodes to be ready. */
export const kindNodeWait = "90s";

export interface PortMapping {
  containerPort: number;
  hostPort: number;
  protocol: "TCP";
  /** What the mapping is for (a comment in the rendered file). */
  purpose: string;
}

/**
 * The port mappings of the kind node, from the values: `ingress.hostPort` → the ingress
 * controller's port 80, and each enabled service's `hostPort` → its `nodePort`.
 */
export function kindPortMappings(values: Values): PortMapping[] {
  const ingress: PortMapping[] = values.ingress.hostPort ? [{ containerPort: ingressContainerPort, hostPort: values.ingress.hostPort, protocol: "TCP", purpose: "ingress (UI and APIs)" }] : [];
  const services = Object.entries(values.services)
    .filter(([, service]) => service.enabled && service.hostPort !== undefined && service.nodePort !== undefined)
    .map(([name, service]): PortMapping => ({ containerPort: service.nodePort!, hostPort: service.hostPort!, protocol: "TCP", purpose: `service ${name}` }));
  return [...ingress, ...services];
}

/** The kind cluster configuration: one control-plane node labelled for the ingress controller. */
export function renderKindConfig(config: ProjectConfig, values: Values): string {
  const mappings = kindPortMappings(values);
  const cluster = {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    name: config.kind.cluster,
    nodes: [
      {
        role: "control-plane",
        labels: { "ingress-ready": "true" },
        extraPortMappings: mappings.map(({ containerPort, hostPort, protocol }) => ({ containerPort, hostPort, protocol })),
      },
    ],
  };
  const legend = mappings.map((mapping) => `#   localhost:${mapping.hostPort} -> node port ${mapping.containerPort}: ${mapping.purpose}`).join("\n");
  return `# kind cluster ${config.kind.cluster}, rendered by jore4-flux from the values.\n${legend}\n${stringify(cluster)}`;
}

export function kindSteps(config: ProjectConfig) {
  const name = config.kind.cluster;
  return {
    create: (kindConfig: { text: string } | { file: string }): CommandStep => ({
      title: `create the kind cluster ${name} (waiting ${kindNodeWait} for its nodes)`,
      argv: ["kind", "create", "cluster", "--name", name, "--config", "file" in kindConfig ? kindConfig.file : "-", "--wait", kindNodeWait],
      input: "text" in kindConfig ? kindConfig.text : undefined,
    }),
    delete: (): CommandStep => ({ title: `delete the kind cluster ${name}`, argv: ["kind", "delete", "cluster", "--name", name] }),
    exportKubeconfig: (): CommandStep => ({ title: `write the kube context ${config.kind.context}`, argv: ["kind", "export", "kubeconfig", "--name", name] }),
    list: (): CommandStep => ({ title: "list the kind clusters", argv: ["kind", "get", "clusters"] }),
  };
}
