import { execa } from "execa";
import { ExitCode, Jore4FluxError } from "../errors.ts";
import type { ModulePin } from "./crd-sources.ts";

/** The folder of a module in the Go module cache, downloading it through the module proxy when needed. */
export async function moduleDir(pin: ModulePin): Promise<string> {
  const result = await execa("go", ["mod", "download", "-json", `${pin.module}@${pin.version}`], { reject: false, env: { GOFLAGS: "-mod=mod" } });
  const info = JSON.parse(String(result.stdout || "{}")) as { Dir?: string; Error?: string };
  if (result.failed || !info.Dir) {
    throw new Jore4FluxError(`go mod download ${pin.module}@${pin.version} failed: ${info.Error ?? result.stderr ?? result.shortMessage}`, {
      exitCode: ExitCode.failed,
      hint: "needs Go and the Go module proxy (GOPROXY)",
    });
  }
  return info.Dir;
}
