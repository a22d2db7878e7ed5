import { startCluster } from "../support/cluster.ts";
import { sharedRig } from "../support/shared-rig.ts";
import { repoRoot } from "../support/repo-fixture.ts";
import { deploySuite } from "./cluster/deploy-suite.ts";
import { evidenceSuite } from "./cluster/evidence-suite.ts";
import { fluxSuite } from "./cluster/flux-suite.ts";
import { fluxWordSuite } from "./cluster/flux-word-suite.ts";
import { kindFlowSuite } from "./cluster/kind-flow-suite.ts";
import { remoteSuite } from "./cluster/remote-suite.ts";
import { statusSuite } from "./cluster/status-suite.ts";
import { uninstallSuite } from "./cluster/uninstall-suite.ts";

/**
 * Everything that needs a real cluster runs in this one file, against one test cluster started
 * once for the test run (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok
 * nodes, a git server, the Flux controllers): the deploy commands, the remote e2e bootstrap, the
 * kind flow rolling out for real, then Flux reconciling the stage branches. After a failed test
 * the components' logs are kept and their folder printed.
 */
const testCluster = sharedRig("the test cluster", () => startCluster(repoRoot));
deploySuite(testCluster);
remoteSuite(testCluster);
kindFlowSuite(testCluster);
fluxSuite(testCluster);
statusSuite(testCluster);
fluxWordSuite(testCluster);
evidenceSuite(testCluster);
uninstallSuite(testCluster);
