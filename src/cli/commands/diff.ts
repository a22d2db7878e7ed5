import { Command } from "commander";
export function diffCommand(): Command {
  return new Command("diff");
}
