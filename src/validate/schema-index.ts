import { apiVersionOf, kindKey, type CrdSchemas, type JsonSchema, type KubernetesSchemas } from "./schema-convert.ts";
import { kubernetesSchemaFile } from "./schema-sources.ts";

/** Where a kind's schema comes from and how current its API version is. */
export interface KindSchema {
  apiVersion: string;
  kind: string;
  /** A standalone JSON Schema: the kind's own schema with the definitions it references. */
  schema: JsonSchema;
  origin: string;
  deprecated: boolean;
}

/** Looks kinds up by apiVersion and kind; served CRD versions only. */
export class SchemaIndex {
  private readonly kinds = new Map<string, KindSchema>();
  readonly definitions: Record<string, JsonSchema>;

  constructor(set: { kubernetes: KubernetesSchemas; crds: readonly CrdSchemas[] }) {
    this.definitions = set.kubernetes.definitions;
    for (const [key, definition] of Object.entries(set.kubernetes.kinds)) {
      const slash = key.lastIndexOf("/");
      const apiVersion = key.slice(0, slash);
      const kind = key.slice(slash + 1);
      this.kinds.set(key, {
        apiVersion,
        kind,
        schema: { $ref: `#/definitions/${definition}` },
        origin: `Kubernetes ${kubernetesSchemaFile.replace(/^kubernetes-|\.json$/g, "")}`,
        deprecated: false,
      });
    }
    for (const crd of set.crds) {
      for (const [version, entry] of Object.entries(crd.versions)) {
        if (!entry.served) continue;
        const apiVersion = apiVersionOf({ group: crd.group, version });
        this.kinds.set(kindKey(apiVersion, crd.kind), {
          apiVersion,
          kind: crd.kind,
          schema: entry.schema,
          origin: `CRD ${crd.name}`,
          deprecated: entry.deprecated,
        });
      }
    }
  }

  get(apiVersion: string, kind: string): KindSchema | undefined {
    return this.kinds.get(kindKey(apiVersion, kind));
  }

  /** The API versions that serve `kind`, for "did you mean" hints. */
  versionsOf(kind: string): string[] {
    return [...this.kinds.values()]
      .filter((entry) => entry.kind === kind)
      .map((entry) => entry.apiVersion)
      .sort();
  }

  all(): KindSchema[] {
    return [...this.kinds.values()];
  }
}
