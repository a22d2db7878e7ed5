import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { Context } from "../../context.ts";
import { defineCommand } from "../registry.ts";
import { build } from "./build.ts";
import { bundle } from "./bundle.ts";
import { check } from "./check.ts";
import { context as contextGuard } from "./context.ts";
import { crds } from "./crds.ts";
import { deploy } from "./deploy.ts";
import { diff } from "./diff.ts";
import { generate } from "./generate.ts";
import { history } from "./history.ts";
import { hotfix } from "./hotfix.ts";
import { images } from "./images.ts";
import { kind } from "./kind.ts";
import { login } from "./login.ts";
import { promote } from "./promote.ts";
import { record } from "./record.ts";
import { rollback } from "./rollback.ts";
import { schemas } from "./schemas.ts";
import { setImage } from "./set-image.ts";
import { status } from "./status.ts";
import { toc } from "./toc.ts";
import { tools } from "./tools.ts";
import { uninstall } from "./uninstall.ts";

/**
 * The registry: every command, one entry each (src/cli/registry.ts), in the order `--help` lists
 * them. An entry defines its command here in cli/ and loads its core from src/command/ when it runs.
 */
export function commands(context: Context): CommandUnknownOpts[] {
  return [
    defineCommand(generate, context),
    defineCommand(build, context),
    defineCommand(check, context),
    defineCommand(diff, context),
    defineCommand(setImage, context),
    defineCommand(images, context),
    defineCommand(bundle, context),
    defineCommand(promote, context),
    defineCommand(rollback, context),
    defineCommand(hotfix, context),
    defineCommand(history, context),
    defineCommand(status, context),
    defineCommand(record, context),
    defineCommand(login, context),
    defineCommand(contextGuard, context),
    defineCommand(crds, context),
    defineCommand(deploy, context),
    defineCommand(kind, context),
    defineCommand(uninstall, context),
    defineCommand(schemas, context),
    defineCommand(toc, context),
    defineCommand(tools, context),
  ];
}
