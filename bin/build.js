#!/usr/bin/env node
// @ts-check
'use strict';
// Builds dist/ (tsc, then tsc-alias rewriting the @iw/* paths) under a lock, so that several
// starts at the same moment build once and none of them runs a half-written dist/.
//
//   node bin/build.js             build now (npm run build; npm ci runs it as `prepare`)
//   node bin/build.js --if-stale  build only when a source is newer than the last build (the start scripts)

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { resolveAliases } = require('./aliases');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const LOCK = path.join(ROOT, '.build.lock');
/** What tsconfig.build.json compiles, and the files that change how it compiles. */
const SOURCE_DIRS = ['apps', 'libs', 'bench', 'test/support'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const LOCK_WAIT_MS = 10 * 60_000;

/** @param {string} dir @returns {number} */
function newestIn(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'test') newest = Math.max(newest, newestIn(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** True when dist/ is missing or older than a source it is built from. */
function isStale() {
  if (!fs.existsSync(STAMP)) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  const newest = Math.max(
    ...SOURCE_DIRS.map((d) => newestIn(path.join(ROOT, d))),
    ...SOURCE_FILES.map((f) => (fs.existsSync(path.join(ROOT, f)) ? fs.statSync(path.join(ROOT, f)).mtimeMs : 0)),
  );
  return newest > built;
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** @param {number} ms */
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the build lock (a directory: its creation is atomic), waiting for another build to end. */
function lock() {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try {
      holder = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
    } catch {
      // Created a moment ago, pid not written yet.
    }
    if (Number.isInteger(holder) && !alive(holder)) {
      fs.rmSync(LOCK, { recursive: true, force: true }); // a build that died
      continue;
    }
    if (!said) {
      process.stderr.write(`build: waiting for the build in progress (pid ${holder}) …\n`);
      said = true;
    }
    if (Date.now() > deadline) throw new Error(`build: ${LOCK} held for over ${LOCK_WAIT_MS / 60_000} min`);
    sleep(200);
  }
}

function unlock() {
  fs.rmSync(LOCK, { recursive: true, force: true });
}

/** @param {string} bin @param {string[]} args */
function run(bin, args) {
  const r = spawnSync(process.execPath, [require.resolve(bin, { paths: [ROOT] }), ...args], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`build: ${path.basename(bin)} ${args.join(' ')} failed (exit ${r.status})`);
}

function build() {
  const started = Date.now();
  process.stderr.write('build: compiling dist/ …\n');
  run('typescript/bin/tsc', ['-p', 'tsconfig.build.json']);
  resolveAliases(DIST, () => run('tsc-alias/dist/bin/index.js', ['-p', 'tsconfig.build.json']));
  fs.mkdirSync(DIST, { recursive: true });
  fs.writeFileSync(STAMP, new Date(started).toISOString() + '\n');
  // Stamped with the start time: a source saved during the build makes the next check rebuild.
  fs.utimesSync(STAMP, started / 1000, started / 1000);
  process.stderr.write(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function main() {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !isStale()) return;
  lock();
  try {
    // Another start may have built it while this one waited.
    if (!ifStale || isStale()) build();
  } finally {
    unlock();
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
