import {
  fluxKustomizeController,
  fluxNotificationController,
  fluxSourceController,
  type ModulePin,
} from "./go-modules.ts";

/**
 * The Go-built tools the project uses, pinned here and nowhere else (the Flux controllers' versions
 * come from the one Flux release pinned in go-modules.ts). Each is built from Go modules (never a
 * release download) by `jore4-flux tools install`; tools of the same wrapper module are built
 * together in one `go build`, so the packages they share are compiled once.
 */
export interface GoTool {
  name: string;
  version: string;
  /** The Go package whose `main` is the tool. */
  goPackage: string;
  /**
   * A wrapper module of this package (relative to the package root) that pins the tool's module and
   * its replacements; without one, the tool is built with `go install <package>@<version>`.
   */
  wrapperModule?: string;
  /** The module the wrapper pins at `version`, when it is not the one holding `goPackage` (a program of our own). */
  pinnedModule?: string;
  /** Linker flags; tools of one wrapper module share them (they are built in one invocation). */
  ldflags?: string;
  /** Environment of the go command (e.g. CGO_ENABLED=0 for a static binary); shared like ldflags. */
  env?: Record<string, string>;
  purpose: string;
  /** Arguments that make the binary print its version (for a binary found on PATH). */
  versionArgs: string[];
  /** Built by `tools install` without names (the test suite needs it). */
  forTests: boolean;
}

export const kubernetesVersion = "v1.36.3";
const kubernetesLdflags = [
  `-X k8s.io/component-base/version.gitVersion=${kubernetesVersion}`,
  "-X k8s.io/component-base/version.gitMajor=1",
  `-X k8s.io/component-base/version.gitMinor=${kubernetesVersion.split(".")[1]}`,
].join(" ");

/** A Flux controller of the pinned release; its main package is the module root. */
function fluxController(pin: ModulePin, wrapperModule: string, purpose: string): GoTool {
  return {
    name: pin.module.split("/").pop()!,
    version: pin.version,
    goPackage: pin.module,
    wrapperModule,
    purpose,
    versionArgs: ["--version"],
    forTests: true,
  };
}

export const goTools: readonly GoTool[] = [
  {
    name: "kustomize",
    version: "v5.8.1",
    goPackage: "sigs.k8s.io/kustomize/kustomize/v5",
    purpose: "bundles each stage's manifests (build, deploy)",
    versionArgs: ["version"],
    forTests: true,
  },
  {
    name: "kustomize-json",
    // The kustomize library kustomize v5.8.1 is built from (tool-versions.test.ts holds them equal).
    version: "v0.21.1",
    goPackage: "jore4-flux/tools/kustomize-json",
    wrapperModule: "tools/go/kustomize-json",
    pinnedModule: "sigs.k8s.io/kustomize/api",
    purpose: "builds every stage with kustomize's library in one process, read as kubectl and Flux read it (check)",
    versionArgs: ["--version"],
    forTests: true,
  },
  {
    name: "kubeconform",
    version: "v0.7.0",
    goPackage: "github.com/yannh/kubeconform/cmd/kubeconform",
    purpose: "cross-checks the schema verdicts of `check`",
    versionArgs: ["-v"],
    forTests: true,
  },
  {
    name: "kube-apiserver",
    version: kubernetesVersion,
    goPackage: "k8s.io/kubernetes/cmd/kube-apiserver",
    wrapperModule: "tools/go/kubernetes",
    ldflags: kubernetesLdflags,
    purpose: "the real control plane the cluster tests deploy to",
    versionArgs: ["--version"],
    forTests: true,
  },
  {
    name: "kubectl",
    version: kubernetesVersion,
    goPackage: "k8s.io/kubernetes/cmd/kubectl",
    wrapperModule: "tools/go/kubernetes",
    ldflags: kubernetesLdflags,
    purpose: "applies stages to clusters (deploy)",
    versionArgs: ["version", "--client"],
    forTests: true,
  },
  {
    name: "kube-controller-manager",
    version: kubernetesVersion,
    goPackage: "k8s.io/kubernetes/cmd/kube-controller-manager",
    wrapperModule: "tools/go/kubernetes",
    ldflags: kubernetesLdflags,
    purpose: "runs the deployment and replicaset controllers of the test cluster",
    versionArgs: ["--version"],
    forTests: true,
  },
  {
    name: "kube-scheduler",
    version: kubernetesVersion,
    goPackage: "k8s.io/kubernetes/cmd/kube-scheduler",
    wrapperModule: "tools/go/kubernetes",
    ldflags: kubernetesLdflags,
    purpose: "binds the test cluster's pods to its simulated nodes",
    versionArgs: ["--version"],
    forTests: true,
  },
  {
    name: "etcd",
    version: "v3.6.14",
    goPackage: "go.etcd.io/etcd/server/v3",
    wrapperModule: "tools/go/etcd",
    purpose: "storage of the test control plane",
    versionArgs: ["--version"],
    forTests: true,
  },
  {
    name: "registry",
    version: "v3.1.2",
    goPackage: "github.com/distribution/distribution/v3/cmd/registry",
    purpose: "the real image registry (token auth on) the `images` tests push to and read tags from",
    versionArgs: ["--version"],
    forTests: true,
  },
  {
    name: "actionlint",
    version: "v1.7.12",
    goPackage: "github.com/rhysd/actionlint/cmd/actionlint",
    purpose: "lints the GitHub workflows and the e2e action (tests)",
    versionArgs: ["-version"],
    forTests: true,
  },
  {
    name: "compose-check",
    version: "v2.16.2",
    goPackage: "jore4-flux/tools/compose-check",
    wrapperModule: "tools/go/compose-check",
    pinnedModule: "github.com/compose-spec/compose-go/v2",
    purpose: "loads the e2e compose bundle with compose-go, the parser of docker compose (tests)",
    versionArgs: ["--version"],
    forTests: true,
  },
  {
    name: "docker-compose",
    version: "v2.40.3",
    goPackage: "github.com/docker/compose/v2/cmd",
    // Its go.mod's `exclude` directives make `go install` refuse it: the wrapper copies them.
    wrapperModule: "tools/go/docker-compose",
    pinnedModule: "github.com/docker/compose/v2",
    ldflags: "-s -w -X github.com/docker/compose/v2/internal.Version=v2.40.3",
    purpose: "runs the e2e compose bundle on the tests' Docker engine (`docker compose`, as a CLI plugin)",
    versionArgs: ["version"],
    forTests: true,
  },
  {
    name: "e2e-standin",
    // pgx, its one dependency (it connects to the e2e database as the real services would).
    version: "v5.13.0",
    goPackage: "jore4-flux/tools/e2e-standin",
    wrapperModule: "tools/go/e2e-standin",
    pinnedModule: "github.com/jackc/pgx/v5",
    ldflags: "-s -w -X main.version=v5.13.0",
    // Static: it runs inside the e2e test images, whatever C library they have.
    env: { CGO_ENABLED: "0" },
    purpose: "the contract stand-in for auth, hasura and ui in the e2e test images (tests)",
    versionArgs: ["--version"],
    forTests: true,
  },
  {
    name: "kwok",
    version: "v0.8.0",
    goPackage: "sigs.k8s.io/kwok/cmd/kwok",
    purpose: "simulates the test cluster's nodes and makes its pods run without a kubelet",
    versionArgs: ["--version"],
    forTests: true,
  },
  fluxController(
    fluxSourceController,
    "tools/go/source-controller",
    "fetches the stage branches for Flux in the tests",
  ),
  fluxController(fluxKustomizeController, "tools/go/kustomize-controller", "applies the stage branches in the tests"),
  fluxController(
    fluxNotificationController,
    "tools/go/notification-controller",
    "receives the Flux controllers' events in the tests",
  ),
  {
    name: "helm",
    version: "v3.21.4",
    goPackage: "helm.sh/helm/v3/cmd/helm",
    ldflags: "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=36",
    purpose: "installs the Secrets Store CSI driver on AKS stages (deploy crds)",
    versionArgs: ["version", "--short"],
    forTests: false,
  },
];

export function goTool(name: string): GoTool | undefined {
  return goTools.find((tool) => tool.name === name);
}

/** The module a tool's package belongs to (its `require` in a wrapper module). */
export function toolModule(tool: GoTool): string {
  return tool.pinnedModule ?? tool.goPackage.split("/cmd/")[0]!;
}
