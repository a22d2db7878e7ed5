import type { Command } from "commander";
import { buildCommand } from "./build.ts";
import { contextCommand } from "./context.ts";
import { crdsCommand } from "./crds.ts";
import { deployCommand } from "./deploy.ts";
import { generateCommand } from "./generate.ts";
import { kindCommand } from "./kind.ts";
import { loginCommand } from "./login.ts";
import { setImageCommand } from "./set-image.ts";
import { tocCommand } from "./toc.ts";
import { toolsCommand } from "./tools.ts";

/** Every command, one file each. */
export function commands(): Command[] {
  return [generateCommand(), buildCommand(), setImageCommand(), tocCommand(), toolsCommand(), crdsCommand(), loginCommand(), contextCommand(), deployCommand(), kindCommand()];
}
