#!/usr/bin/env node
// `npm run bench`: compiles the project into a build folder of the bench's own
// (.local/bench-dist, so a concurrent `npm run build` in dist/ cannot change the apps under
// measurement), then runs bench/run.ts from there with the same arguments.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { resolveAliases } = require('../bin/aliases');

const root = path.resolve(__dirname, '..');
const out = path.join(root, '.local', 'bench-dist');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function step(what, command, args, tolerate = false) {
  const started = Date.now();
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 && !(tolerate && r.status === 2)) {
    console.error(`bench: ${what} failed (${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  // tsc exits 2 on type errors but still emits: measure what was emitted, say so.
  if (r.status !== 0) console.error(`bench: type errors above; measuring the code tsc emitted anyway`);
  console.error(`bench: ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

step('compiled', bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', out], true);
try {
  resolveAliases(out, () => step('aliases resolved', bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', out]));
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  [
    ...(process.env.IW_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    path.join(out, 'bench', 'run.js'),
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
