import { objectPrefix, type StageConfig } from "../config/project.ts";
import type { KeyPath } from "../io/yaml-source.ts";
import type { Values } from "./schema.ts";

/** A problem found in merged values, still keyed by path; the loader locates it in the files. */
export interface ValuesFinding {
  path: KeyPath;
  message: string;
}

/** Object names are `jore4-<service>` (objectPrefix) and must stay DNS labels. */
const maxServiceNameLength = 63 - objectPrefix.length - "-secrets".length;

interface PortUse {
  path: KeyPath;
  port: number | undefined;
}

function duplicatePorts(uses: PortUse[], what: string): ValuesFinding[] {
  const seen = new Map<number, KeyPath>();
  const findings: ValuesFinding[] = [];
  for (const { path, port } of uses) {
    if (port === undefined) continue;
    const earlier = seen.get(port);
    if (earlier) findings.push({ path, message: `duplicate ${what} ${port}: already used by ${earlier.join(".")}` });
    else seen.set(port, path);
  }
  return findings;
}

function portFindings(values: Values): ValuesFinding[] {
  const enabled = Object.entries(values.services).filter(([, service]) => service.enabled);
  const uses = (key: "localPort" | "nodePort" | "hostPort"): PortUse[] =>
    enabled.map(([name, service]) => ({ path: ["services", name, key], port: service[key] }));
  return [
    ...duplicatePorts(uses("localPort"), "local port"),
    ...duplicatePorts(uses("nodePort"), "node port"),
    ...duplicatePorts(
      [{ path: ["ingress", "hostPort"], port: values.ingress.hostPort }, ...uses("hostPort")],
      "host port",
    ),
  ];
}

function serviceFindings(values: Values, stage: StageConfig): ValuesFinding[] {
  const findings: ValuesFinding[] = [];
  const ingressPaths = new Map<string, string>();
  for (const [name, service] of Object.entries(values.services)) {
    const at = (...rest: string[]): KeyPath => ["services", name, ...rest];
    if (name.length > maxServiceNameLength) {
      findings.push({
        path: at(),
        message: `service name is too long: at most ${maxServiceNameLength} characters, so that ${objectPrefix}${name}-secrets stays a DNS label`,
      });
    }
    if (!service.enabled) continue;
    if (service.serviceType === "NodePort" && service.nodePort === undefined) {
      findings.push({
        path: at("nodePort"),
        message: "required field is missing: a NodePort service needs nodePort (30000-32767)",
      });
    }
    if (service.serviceType !== "NodePort" && service.nodePort !== undefined) {
      findings.push({ path: at("nodePort"), message: "nodePort is only for serviceType NodePort" });
    }
    if (service.hostPort !== undefined && service.nodePort === undefined) {
      findings.push({
        path: at("hostPort"),
        message: "hostPort maps to the node port: set serviceType NodePort and nodePort too",
      });
    }
    if (service.ingressPath !== undefined) {
      const owner = ingressPaths.get(service.ingressPath);
      if (owner)
        findings.push({
          path: at("ingressPath"),
          message: `duplicate ingress path ${service.ingressPath}: already routed to ${owner}`,
        });
      else ingressPaths.set(service.ingressPath, name);
    }
    for (const [file, secret] of Object.entries(service.secrets)) {
      if (stage.platform === "aks" && secret.keyVault === undefined) {
        findings.push({
          path: at("secrets", file, "keyVault"),
          message: `required field is missing: AKS stage ${stage.name} reads secrets from its Key Vault`,
        });
      }
      if (stage.platform === "aks" && secret.local !== undefined) {
        findings.push({
          path: at("secrets", file, "local"),
          message: `plaintext secret value on AKS stage ${stage.name}: secrets there come from the Key Vault (remove 'local')`,
        });
      }
      if (stage.platform === "kind" && secret.local === undefined) {
        findings.push({
          path: at("secrets", file, "local"),
          message: `required field is missing: kind stage ${stage.name} has no Key Vault, give the secret's local value`,
        });
      }
    }
  }
  return findings;
}

function stageLevelFindings(values: Values, stage: StageConfig): ValuesFinding[] {
  const services = Object.values(values.services).filter((service) => service.enabled);
  const routed = services.some((service) => service.ingressPath !== undefined);
  const hasSecrets = services.some((service) => Object.keys(service.secrets).length > 0);
  const findings: ValuesFinding[] = [];
  const require = (path: KeyPath, present: boolean, why: string) => {
    if (!present) findings.push({ path, message: `required field is missing: ${why}` });
  };
  if (stage.platform === "aks") {
    require(["ingress", "host"], !routed ||
      values.ingress.host !== undefined, `AKS stage ${stage.name} serves its ingress on a public host name`);
    require(["ingress", "tlsCertificate"], !routed ||
      values.ingress.tlsCertificate !==
        undefined, `AKS stage ${stage.name} terminates TLS with an Application Gateway certificate`);
    require(["secretStore", "keyVault"], !hasSecrets ||
      values.secretStore.keyVault !== undefined, `services of AKS stage ${stage.name} read secrets from a Key Vault`);
    require(["secretStore", "tenantId"], !hasSecrets ||
      values.secretStore.tenantId !== undefined, `the Key Vault's Azure tenant id`);
  } else {
    if (values.ingress.host !== undefined)
      findings.push({
        path: ["ingress", "host"],
        message: `kind stage ${stage.name} answers on any host: remove ingress.host`,
      });
    require(["ingress", "hostPort"], !routed ||
      values.ingress.hostPort !== undefined, `kind stage ${stage.name} maps a host port to its ingress controller`);
  }
  return findings;
}

/** Each `dependsOn` names another service enabled in the stage, and no service waits on itself through others. */
function dependencyFindings(values: Values): ValuesFinding[] {
  const findings: ValuesFinding[] = [];
  const enabled = (name: string) => values.services[name]?.enabled === true;
  for (const [name, service] of Object.entries(values.services)) {
    if (!service.enabled) continue;
    service.dependsOn.forEach((dependency, index) => {
      const path: KeyPath = ["services", name, "dependsOn", index];
      if (dependency === name) findings.push({ path, message: `${name} cannot depend on itself` });
      else if (!(dependency in values.services))
        findings.push({ path, message: `unknown service '${dependency}': no services.${dependency} in the values` });
      else if (!enabled(dependency))
        findings.push({
          path,
          message: `${name} depends on ${dependency}, which is not enabled in this stage (enable it or drop the dependency)`,
        });
    });
  }
  // A cycle (a → b → a) would leave every service in it waiting: reported once, at its first edge.
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, trail: string[]): void => {
    state.set(name, "visiting");
    values.services[name]!.dependsOn.forEach((dependency, index) => {
      if (!enabled(dependency) || dependency === name) return;
      if (state.get(dependency) === "visiting") {
        const cycle = [...trail.slice(trail.indexOf(dependency)), name, dependency];
        findings.push({
          path: ["services", name, "dependsOn", index],
          message: `dependency cycle: ${cycle.join(" → ")}`,
        });
      } else if (!state.has(dependency)) visit(dependency, [...trail, name]);
    });
    state.set(name, "done");
  };
  for (const name of Object.keys(values.services).sort()) if (enabled(name) && !state.has(name)) visit(name, []);
  return findings;
}

/** Rules that span several fields or depend on where the stage runs. */
export function stageValuesFindings(values: Values, stage: StageConfig): ValuesFinding[] {
  return [
    ...stageLevelFindings(values, stage),
    ...serviceFindings(values, stage),
    ...dependencyFindings(values),
    ...portFindings(values),
  ];
}
