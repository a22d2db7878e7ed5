import type { Context } from "../context.ts";
import { ExitCode, Jore4FluxError } from "../errors.ts";

/**
 * Go modules the project reads files from (CRDs, kustomize configs, OpenAPI), pinned here once:
 * the committed crds/ and schemas/ are both derived from them.
 */
export interface ModulePin {
  module: string;
  version: string;
}

/**
 * One Flux release: the controller versions flux2 v2.9.4 bundles (its go.mod requires their api
 * modules at these tags). `tools install` builds these controllers, and crds/flux.yaml and the
 * Flux schemas are read from the same modules.
 */
export const fluxRelease: ModulePin = { module: "github.com/fluxcd/flux2/v2", version: "v2.9.4" };
export const fluxSourceController: ModulePin = { module: "github.com/fluxcd/source-controller", version: "v1.9.4" };
export const fluxKustomizeController: ModulePin = {
  module: "github.com/fluxcd/kustomize-controller",
  version: "v1.9.4",
};
export const fluxNotificationController: ModulePin = {
  module: "github.com/fluxcd/notification-controller",
  version: "v1.9.3",
};
export const fluxControllers: readonly ModulePin[] = [
  fluxSourceController,
  fluxKustomizeController,
  fluxNotificationController,
];
export const secretsStoreCsiDriver: ModulePin = { module: "sigs.k8s.io/secrets-store-csi-driver", version: "v1.6.0" };

/** The module's folder in the Go module cache, downloading it through the module proxy when needed. */
export async function moduleDir(context: Context, pin: ModulePin): Promise<string> {
  const result = await context.run("go", ["mod", "download", "-json", `${pin.module}@${pin.version}`], {
    env: { GOFLAGS: "-mod=mod" },
  });
  const info = JSON.parse(result.stdout || "{}") as { Dir?: string; Error?: string };
  if (result.failed || !info.Dir) {
    throw new Jore4FluxError(
      `go mod download ${pin.module}@${pin.version} failed: ${info.Error ?? (result.stderr || result.message)}`,
      {
        exitCode: ExitCode.failed,
        hint: "needs Go and the Go module proxy (GOPROXY)",
      },
    );
  }
  return info.Dir;
}
