// @ts-check
'use strict';
// After tsc-alias: the compiled files that still `require("@iw/…")`. tsc-alias reports success
// even when it left one unrewritten (a bench build once failed at start with "Cannot find
// module '@iw/clock'" in a file it had said it resolved, and passed when run again), and Node
// only finds out when the file is loaded. The builds check, run tsc-alias once more, and stop
// with the files named if any remain.

const fs = require('node:fs');
const path = require('node:path');

const UNRESOLVED = /require\("@iw\/[^"]*"\)/;

/** @param {string} dir @returns {string[]} compiled files under `dir` still naming an `@iw/` path */
function unresolvedAliases(dir) {
  /** @type {string[]} */
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...unresolvedAliases(full));
    } else if (entry.name.endsWith('.js') && UNRESOLVED.test(fs.readFileSync(full, 'utf8'))) out.push(full);
  }
  return out;
}

/**
 * Runs `resolve` (tsc-alias over `dir`) until no compiled file names an `@iw/` path, twice at
 * most; throws naming the files left.
 * @param {string} dir @param {() => void} resolve
 */
function resolveAliases(dir, resolve) {
  resolve();
  let left = unresolvedAliases(dir);
  if (left.length === 0) return;
  process.stderr.write(`build: tsc-alias left ${left.length} file(s) unresolved; running it again\n`);
  resolve();
  left = unresolvedAliases(dir);
  if (left.length > 0)
    throw new Error(
      `build: @iw/ paths left unresolved after tsc-alias ran twice in ${left.map((f) => path.relative(process.cwd(), f)).join(', ')}`,
    );
}

module.exports = { unresolvedAliases, resolveAliases };
