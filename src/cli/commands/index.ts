import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { Context } from "../../context.ts";
import { buildCommand } from "./build.ts";
import { bundleCommand } from "./bundle.ts";
import { checkCommand } from "./check.ts";
import { contextCommand } from "./context.ts";
import { crdsCommand } from "./crds.ts";
import { deployCommand } from "./deploy.ts";
import { diffCommand } from "./diff.ts";
import { generateCommand } from "./generate.ts";
import { historyCommand } from "./history.ts";
import { hotfixCommand } from "./hotfix.ts";
import { imagesCommand } from "./images.ts";
import { kindCommand } from "./kind.ts";
import { loginCommand } from "./login.ts";
import { promoteCommand } from "./promote.ts";
import { recordCommand } from "./record.ts";
import { rollbackCommand } from "./rollback.ts";
import { schemasCommand } from "./schemas.ts";
import { setImageCommand } from "./set-image.ts";
import { statusCommand } from "./status.ts";
import { tocCommand } from "./toc.ts";
import { toolsCommand } from "./tools.ts";
import { uninstallCommand } from "./uninstall.ts";

/** Every command, one file each, in the order `--help` lists them. */
export function commands(context: Context): CommandUnknownOpts[] {
  return [
    generateCommand(context),
    buildCommand(context),
    checkCommand(context),
    diffCommand(context),
    setImageCommand(context),
    imagesCommand(context),
    bundleCommand(context),
    promoteCommand(context),
    rollbackCommand(context),
    hotfixCommand(context),
    historyCommand(context),
    statusCommand(context),
    recordCommand(context),
    loginCommand(context),
    contextCommand(context),
    crdsCommand(context),
    deployCommand(context),
    kindCommand(context),
    uninstallCommand(context),
    schemasCommand(context),
    tocCommand(context),
    toolsCommand(context),
  ];
}
