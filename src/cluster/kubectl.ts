import type { CommandStep } from "./step.ts";

/** Our field manager for server-side apply: conflicts with other managers are reported, not hidden. */
export const fieldManager = "jore4-flux";

/** kubectl command lines, always bound to one named context (never the ambient current one). */
export function kubectlSteps(context: string) {
  const kubectl = (...args: string[]) => ["kubectl", "--context", context, ...args];
  return {
    apply: (title: string, yamlText: string, options: { dryRun?: boolean; output?: "json" } = {}): CommandStep => ({
      title,
      argv: kubectl(
        "apply",
        "--server-side",
        `--field-manager=${fieldManager}`,
        ...(options.dryRun ? ["--dry-run=server"] : []),
        ...(options.output ? ["-o", options.output] : []),
        "-f",
        "-",
      ),
      input: yamlText,
    }),
    applyFile: (title: string, file: string): CommandStep => ({
      title,
      argv: kubectl("apply", "--server-side", `--field-manager=${fieldManager}`, "-f", file),
    }),
    get: (title: string, args: string[]): CommandStep => ({ title, argv: kubectl("get", ...args, "-o", "json") }),
    /** Prints the name (`kind.group/name`) of each object it deleted: nothing when none was there. */
    delete: (title: string, args: string[]): CommandStep => ({
      title,
      argv: kubectl("delete", ...args, "--ignore-not-found", "--wait=false", "-o", "name"),
    }),
    setNamespace: (namespace: string): CommandStep => ({
      title: `set the default namespace of context ${context} to ${namespace}`,
      argv: ["kubectl", "config", "set-context", context, `--namespace=${namespace}`],
    }),
  };
}

/** The current context of the kubeconfig in use (KUBECONFIG or ~/.kube/config). */
export const currentContextStep: CommandStep = {
  title: "read the current kube context",
  argv: ["kubectl", "config", "current-context"],
  tolerateFailure: true,
};
