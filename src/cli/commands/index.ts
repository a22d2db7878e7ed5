import type { Command } from "commander";
import { checkCommand } from "./check.ts";
import { diffCommand } from "./diff.ts";
import { generateCommand } from "./generate.ts";
import { schemasCommand } from "./schemas.ts";
import { toolsCommand } from "./tools.ts";

/** Every command, one file each. */
export function commands(): Command[] {
  return [generateCommand(), checkCommand(), diffCommand(), schemasCommand(), toolsCommand()];
}
