import type { Command } from "commander";
import { generateCommand } from "./generate.ts";

/** Every command, one file each. */
export function commands(): Command[] {
  return [generateCommand()];
}
