import type { Command } from "commander";
import { buildCommand } from "./build.ts";
import { generateCommand } from "./generate.ts";
import { historyCommand } from "./history.ts";
import { hotfixCommand } from "./hotfix.ts";
import { promoteCommand } from "./promote.ts";
import { rollbackCommand } from "./rollback.ts";
import { setImageCommand } from "./set-image.ts";
import { tocCommand } from "./toc.ts";
import { toolsCommand } from "./tools.ts";

/** Every command, one file each. */
export function commands(): Command[] {
  return [generateCommand(), buildCommand(), setImageCommand(), tocCommand(), promoteCommand(), rollbackCommand(), hotfixCommand(), historyCommand(), toolsCommand()];
}
