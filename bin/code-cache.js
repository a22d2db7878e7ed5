// Loads a CommonJS file through V8 with a code cache: the CLI's bundle (bin/jore4-flux.js) and the
// compiled schema validators (src/validate/schema-check.ts). Plain JavaScript: the binary runs it
// before anything else is loaded.
const { isAscii } = require("node:buffer");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { dirname } = require("node:path");
const { Script } = require("node:vm");

/**
 * Runs `file` as a CommonJS module, its compiled code taken from `cacheFile` when V8 accepts it
 * (same source, same Node version and flags); `saveCache` writes what V8 has compiled of it so far,
 * so a cache saved after a run also holds the functions that run called. Writing is best effort:
 * a read-only install just compiles again next time. `provided`: modules its `require` gets as
 * they are, by name, instead of loading them from node_modules.
 */
function loadCommonJs(file, cacheFile, provided = {}) {
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const bytes = readFileSync(file);
  // ASCII text (the 3 MB of validators) decodes as latin1 without UTF-8's checks: several times faster.
  const text = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  const source = `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  const load = createRequire(file);
  const require = (name) => (Object.hasOwn(provided, name) ? provided[name] : load(name));
  script.runInThisContext()(module.exports, require, module, file, dirname(file));
  return {
    exports: module.exports,
    cacheAccepted: cachedData !== undefined && !script.cachedDataRejected,
    saveCache() {
      try {
        mkdirSync(dirname(cacheFile), { recursive: true });
        const partial = `${cacheFile}.${process.pid}`;
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, cacheFile);
      } catch {
        // Not writable: no cache.
      }
    },
  };
}

module.exports = { loadCommonJs };
