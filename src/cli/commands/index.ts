import type { Command } from "commander";
import { crdsCommand } from "./crds.ts";
import { deployCommand } from "./deploy.ts";
import { contextCommand } from "./context.ts";
import { generateCommand } from "./generate.ts";
import { kindCommand } from "./kind.ts";
import { loginCommand } from "./login.ts";
import { toolsCommand } from "./tools.ts";

/** Every command, one file each. */
export function commands(): Command[] {
  return [generateCommand(), toolsCommand(), crdsCommand(), loginCommand(), contextCommand(), deployCommand(), kindCommand()];
}
