import { join } from "node:path";
import { execa } from "execa";
import { toolsBinDir } from "../../src/tools/paths.ts";
import { repoRoot } from "./repo-fixture.ts";

/**
 * compose-go (what `docker compose` parses with), built by `tools install`: loads the compose
 * project of folder `dir` as JSON, in exactly the environment `env` (nothing of this process's).
 */
export const composeCheck = (dir: string, env: Record<string, string> = {}) =>
  execa(join(toolsBinDir(repoRoot), "compose-check"), [dir], { reject: false, env, extendEnv: false });
