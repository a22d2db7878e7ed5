// Reading and writing a file whole, for what is kept between runs: the binary's code cache of the
// bundle (bin/code-cache.js) and the store's entries (src/store/store.ts). Plain CommonJS, because
// the binary requires it before the bundle (or anything else of the package) is loaded; the store
// imports it as any module and the bundle carries it. src/ never imports bin/, so it lives here.

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
const { dirname } = require("node:path");

/**
 * A file's bytes when it is a regular file (through links); undefined when it is missing, cannot
 * be read or is anything else. Opened without blocking and looked at before it is read: a FIFO in
 * place of a kept file would block a plain read, and every start reads one.
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
 * Writes a file whole (a temporary sibling, then a rename), best effort: when it cannot be
 * written, or something other than a regular file is in its place (a FIFO, a folder, a link: not
 * ours to replace), nothing is written, and nothing is said.
 */
function writeWhole(path, bytes) {
  const partial = `${path}.${Math.random().toString(36).slice(2)}`;
  try {
    const existing = lstatSync(path, { throwIfNoEntry: false });
    if (existing !== undefined && !existing.isFile()) return;
    mkdirSync(dirname(path), { recursive: true });
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

module.exports = { readRegularFile, writeWhole };
