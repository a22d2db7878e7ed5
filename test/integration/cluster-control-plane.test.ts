import { after, before } from "node:test";
import { startControlPlane, type ControlPlane } from "../support/control-plane.ts";
import { repoRoot } from "../support/repo-fixture.ts";
import { deploySuite } from "./cluster/deploy-suite.ts";
import { remoteSuite } from "./cluster/remote-suite.ts";
import { uninstallSuite } from "./cluster/uninstall-suite.ts";

/**
 * Everything that needs a real cluster runs in this one file, against one etcd + kube-apiserver
 * started once for the test run: first the deploy commands, then the remote e2e bootstrap.
 */
let plane: ControlPlane | undefined;
before(async () => {
  plane = await startControlPlane(repoRoot);
});
after(async () => {
  await plane?.stop();
});

const controlPlane = () => {
  if (!plane) throw new Error("the control plane did not start");
  return plane;
};
deploySuite(controlPlane);
remoteSuite(controlPlane);
uninstallSuite(controlPlane);
