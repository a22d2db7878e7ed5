// Runs a CommonJS file through V8 with compiled code handed in: the binary runs the bundle this way
// (bin/code-cache.js, its cache beside it in dist/) and the store runs the schema validators (its
// entries, src/store/code-cache.ts). Plain CommonJS, because the binary requires it before the
// bundle is loaded; the store imports it as any module. src/ never imports bin/, so it lives here.

const { isAscii } = require("node:buffer");
const { readFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { dirname } = require("node:path");
const { Script } = require("node:vm");

/**
 * Runs `file` as a CommonJS module, its compiled code taken from `cachedData` when V8 accepts it
 * (V8 checks it itself: same source, same Node version and flags; rejected data is as none).
 * `provided`: modules its `require` gets as they are, by name, instead of loading them.
 * `createCachedData` gives what V8 has compiled of it so far: called after a run, it also holds
 * the functions that run called.
 */
function runCommonJs(file, cachedData, provided = {}) {
  const bytes = readFileSync(file);
  // ASCII text (the bundle, the schema validators) decodes as latin1 without UTF-8's checks.
  const text = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  const source = `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  const load = createRequire(file);
  const require = (id) => (Object.hasOwn(provided, id) ? provided[id] : load(id));
  script.runInThisContext()(module.exports, require, module, file, dirname(file));
  return {
    exports: module.exports,
    cacheAccepted: cachedData !== undefined && !script.cachedDataRejected,
    createCachedData: () => script.createCachedData(),
  };
}

module.exports = { runCommonJs };
