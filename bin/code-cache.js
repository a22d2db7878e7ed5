// Loads the CLI's bundle (bin/jore4-flux.js, scripts/build.mjs) through V8 with its code cache
// beside it in dist/, part of the build. The reading, writing and running are the store's own
// (src/io/whole-file.cjs, src/io/run-commonjs.cjs: plain CommonJS, so the binary can require them
// before the bundle is loaded; src/ never imports bin/); only where the cache lives is this file's.
const { readRegularFile, writeWhole } = require("../src/io/whole-file.cjs");
const { runCommonJs } = require("../src/io/run-commonjs.cjs");

/**
 * Runs `file` as a CommonJS module, its compiled code taken from `cacheFile` when V8 accepts it;
 * `saveCache` writes what V8 has compiled of it so far, so a cache saved after a run also holds
 * the functions that run called. Writing is best effort: a read-only install just compiles again
 * next time.
 */
function loadCommonJs(file, cacheFile) {
  const ran = runCommonJs(file, readRegularFile(cacheFile));
  return {
    exports: ran.exports,
    cacheAccepted: ran.cacheAccepted,
    saveCache() {
      writeWhole(cacheFile, ran.createCachedData());
    },
  };
}

module.exports = { loadCommonJs };
