import { objectPrefix } from "../config/project.ts";

/** Naming conventions of the deployment's objects (the spec's `jore4-<name>` pattern). */
export const objectName = (service: string) => `${objectPrefix}${service}`;
export const containerName = (service: string) => `${objectName(service)}-image`;
export const envConfigMapName = (service: string) => `${objectName(service)}-env`;
export const secretsName = (service: string) => `${objectName(service)}-secrets`;
export const appLabels = (service: string) => ({ app: objectName(service) });
export const ingressName = `${objectPrefix}ingress`;
export const secretsVolumeName = "secrets-store";
