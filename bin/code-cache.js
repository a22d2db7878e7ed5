// Loads the CLI's bundle (bin/jore4-flux.js, scripts/build.mjs) through V8 with its code cache
// beside it in dist/, part of the build. Plain JavaScript: the binary runs it before anything else
// is loaded. (The sources keep V8's code of what they load themselves in the store: src/store/.)
const { isAscii } = require("node:buffer");
const {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} = require("node:fs");
const { createRequire } = require("node:module");
const { dirname } = require("node:path");
const { Script } = require("node:vm");

/**
 * A file's bytes when it is a regular file (through links); undefined when it is missing, cannot
 * be read or is anything else. Opened without blocking and looked at before it is read: a FIFO in
 * place of a cache file would block a plain read, and every start reads one.
 */
function readRegularFile(path) {
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a cache file whole (a temporary sibling, then a rename), best effort: when it cannot be
 * written, or something other than a regular file is in its place (a FIFO, a folder, a link: not
 * ours to replace), there is no cache, and nothing is said.
 */
function writeCacheFile(path, bytes) {
  const partial = `${path}.${process.pid}`;
  try {
    const existing = lstatSync(path, { throwIfNoEntry: false });
    if (existing !== undefined && !existing.isFile()) return;
    mkdirSync(dirname(path), { recursive: true });
    rmSync(partial, { force: true });
    writeFileSync(partial, bytes, { flag: "wx" });
    renameSync(partial, path);
  } catch {
    try {
      rmSync(partial, { force: true });
    } catch {
      // nothing of ours there
    }
  }
}

/**
 * Runs `file` as a CommonJS module, its compiled code taken from `cacheFile` when V8 accepts it
 * (same source, same Node version and flags); `saveCache` writes what V8 has compiled of it so far,
 * so a cache saved after a run also holds the functions that run called. Writing is best effort:
 * a read-only install just compiles again next time.
 */
function loadCommonJs(file, cacheFile) {
  const cachedData = readRegularFile(cacheFile);
  const bytes = readFileSync(file);
  // The bundle is ASCII (scripts/build.mjs): latin1 decodes it without UTF-8's checks.
  const text = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  const source = `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  const require = createRequire(file);
  script.runInThisContext()(module.exports, require, module, file, dirname(file));
  return {
    exports: module.exports,
    cacheAccepted: cachedData !== undefined && !script.cachedDataRejected,
    saveCache() {
      writeCacheFile(cacheFile, script.createCachedData());
    },
  };
}

module.exports = { loadCommonJs, readRegularFile };
