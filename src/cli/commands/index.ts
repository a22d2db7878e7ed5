import type { Command } from "commander";
import { crdsCommand } from "./crds.ts";
import { deployCommand } from "./deploy.ts";
import { generateCommand } from "./generate.ts";
import { toolsCommand } from "./tools.ts";

/** Every command, one file each. */
export function commands(): Command[] {
  return [generateCommand(), toolsCommand(), crdsCommand(), deployCommand()];
}
