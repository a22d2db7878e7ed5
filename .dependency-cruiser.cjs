// The import graph's rules (`npm run deps`, part of `npm run lint`): no cycle, and every arrow
// points down the layers of src/ (README, "Architecture"):
//
//   entry.ts → cli/ (the shell: commander definitions, the command registry)
//            → command/ (each command's core, `run(options, context)`, loaded when the command runs)
//            → generate, validate, render, values, config, promotion, status, cluster, compose,
//              images, kube, docs (the domain folders)
//            → store/ → git/, tools/ → io/ → context.ts, errors.ts, terminal-text.ts, process-context.ts
//
// Among the domain folders: config/ under values/ (the loader reads the configuration, not the
// reverse); promotion/, cluster/ and status/ are peers over git and the cluster: cluster/ and
// status/ read no promotion module.
//
// Nothing in src/ imports bin/, bench/, scripts/ or test/; bench/ imports no test file (only the
// shared harness in test/support/).
const domain = "^src/(generate|validate|render|values|config|promotion|status|cluster|compose|images|kube|docs)/";

/** A rule forbidding imports from `from` into `to`. */
const forbid = (name, comment, from, to) => ({
  name,
  comment,
  severity: "error",
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      comment: "a module reaches itself through its imports",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    forbid(
      "src-not-outside",
      "src/ is the package: it imports nothing of the shell, benchmarks, scripts or tests",
      "^src/",
      "^(bin|bench|scripts|test)/",
    ),
    forbid(
      "bench-not-tests",
      "benchmarks share the test harness (test/support/), never a test",
      "^bench/",
      "^test/(unit|integration)/",
    ),
    forbid("nothing-imports-the-shell", "only entry.ts imports cli/", "^src/(?!cli/|entry\\.ts)", "^src/cli/"),
    forbid("domain-not-upward", "a domain folder imports no shell", domain, "^src/(cli/|entry\\.ts)"),
    forbid(
      "only-the-shell-loads-commands",
      "command/ holds the commands' cores: only cli/ loads them, nothing below imports one",
      "^src/(?!cli/|command/)",
      "^src/command/",
    ),
    forbid("store-below-domain", "the store knows no command or domain", "^src/store/", `${domain}|^src/cli/`),
    forbid(
      "git-tools-below-store",
      "git/ and tools/ know no store, domain or shell",
      "^src/(git|tools)/",
      `${domain}|^src/(cli|store)/`,
    ),
    forbid(
      "io-at-the-bottom",
      "io/ reads and writes files: it imports no other folder of src/",
      "^src/io/",
      "^src/(?!io/)[^/]+/",
    ),
    forbid(
      "base-at-the-bottom",
      "context.ts, errors.ts and terminal-text.ts import no folder but io/",
      "^src/(context|errors|terminal-text)\\.ts$",
      "^src/(?!io/)[^/]+/",
    ),
    forbid(
      "config-below-values",
      "config/ is what values/ and everything else read: it reads no values module",
      "^src/config/",
      "^src/values/",
    ),
    forbid(
      "promotion-a-peer",
      "cluster/ and status/ read git and the cluster themselves, not through promotion/",
      "^src/(cluster|status)/",
      "^src/promotion/",
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
