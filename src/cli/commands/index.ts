import type { Command } from "commander";
import { buildCommand } from "./build.ts";
import { checkCommand } from "./check.ts";
import { diffCommand } from "./diff.ts";
import { generateCommand } from "./generate.ts";
import { schemasCommand } from "./schemas.ts";
import { setImageCommand } from "./set-image.ts";
import { tocCommand } from "./toc.ts";
import { toolsCommand } from "./tools.ts";

/** Every command, one file each. */
export function commands(): Command[] {
  return [generateCommand(), buildCommand(), checkCommand(), diffCommand(), setImageCommand(), tocCommand(), schemasCommand(), toolsCommand()];
}
