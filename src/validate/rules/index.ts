import type { StageRule } from "../finding.ts";
import type { SchemaIndex } from "../schema-index.ts";
import { deprecatedApi } from "./deprecated-api.ts";
import { imagePinned } from "./image-pinned.ts";
import { ingressBackend } from "./ingress-backend.ts";
import { ingressRegex } from "./ingress-regex.ts";
import { kustomizeBuildRule } from "./kustomize-build.ts";
import { kindHostPorts } from "./kind-host-ports.ts";
import { kustomizationFiles } from "./kustomization-files.ts";
import { nodePorts } from "./node-ports.ts";
import { objectSize } from "./object-size.ts";
import { plaintextSecrets } from "./plaintext-secrets.ts";
import { podReferences } from "./pod-references.ts";
import { probes } from "./probes.ts";
import { resources } from "./resources.ts";
import { serviceHostnames } from "./service-hostnames.ts";
import { serviceSelector } from "./service-selector.ts";

/** The reference checks and safety rules run on every stage, in report order. */
export function stageRules(schemas: SchemaIndex): StageRule[] {
  return [
    kustomizationFiles,
    ingressBackend,
    serviceSelector,
    podReferences,
    nodePorts,
    objectSize,
    kindHostPorts,
    serviceHostnames,
    plaintextSecrets,
    imagePinned,
    probes,
    resources,
    ingressRegex,
    deprecatedApi(schemas),
    kustomizeBuildRule,
  ];
}
