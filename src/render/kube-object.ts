/** A Kubernetes object as plain data, ready to serialize. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Typed models (kubernetes-models) carry their schema; this turns one into plain, checked data. */
export function plainObject(model: { validate(): void; toJSON(): unknown }): KubeObject {
  model.validate();
  return model.toJSON() as KubeObject;
}

/** `Kind/namespace/name`: how findings and diffs name an object (also one read from a malformed file). */
export function objectId(object: KubeObject): string {
  const namespace = object.metadata?.namespace ? `${object.metadata.namespace}/` : "";
  return `${object.kind}/${namespace}${object.metadata?.name ?? "(no name)"}`;
}
