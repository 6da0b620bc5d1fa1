#!/usr/bin/env node
'use strict';
// The `iw` CLI (package.json "bin"). The TypeScript sources are compiled to dist/ by
// `npm run build`; this file only starts them.
let cli;
try {
  cli = require('../dist/libs/cli/src/main.js');
} catch (e) {
  // Only when main.js itself is missing; a missing dependency of it is a real error.
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).split('\n')[0].includes('dist/libs/cli/src/main.js')) {
    process.stderr.write('iw: not built yet — run `npm run build` first\n');
    process.exit(1);
  }
  throw e;
}
// `iw targets parse … --json | head`: a closed pipe ends the output, not the process with a trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
cli.runCli(process.argv).then((code) => {
  process.exitCode = code;
});
