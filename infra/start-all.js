#!/usr/bin/env node
// @ts-check
'use strict';
// `npm start`: the local infrastructure (unless external services are configured), then the
// three apps from dist/ as supervised children. Ctrl-C (or SIGTERM) stops the apps, then the
// infrastructure this command started. If one app dies, the others are stopped too.

const path = require('node:path');
const readline = require('node:readline');
const { spawn } = require('node:child_process');
const { up, down } = require('./index');

const ROOT = path.resolve(__dirname, '..');
const APPS = ['ingest', 'alerting', 'status'];
const STOP_GRACE_MS = 25_000;

/** @param {string} name @param {import('node:stream').Readable | null} stream @param {NodeJS.WriteStream} out */
function prefixLines(name, stream, out) {
  if (!stream) return;
  readline.createInterface({ input: stream }).on('line', (line) => out.write(`${name.padEnd(8)}| ${line}\n`));
}

async function main() {
  let infra;
  try {
    infra = await up();
  } catch (e) {
    const err = /** @type {Error & {hint?: string}} */ (e);
    console.error(`infra: ${err.message}${err.hint ? ` — ${err.hint}` : ''}`);
    return 1;
  }

  /** @type {Map<string, import('node:child_process').ChildProcess>} */
  const children = new Map();
  /** @type {Promise<number | null>[]} */
  const exits = [];
  let stopping = false;
  let failed = false;

  const stopAll = (/** @type {NodeJS.Signals} */ signal) => {
    if (stopping) return;
    stopping = true;
    for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    setTimeout(() => {
      for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, STOP_GRACE_MS).unref();
  };

  for (const app of APPS) {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(app, child);
    prefixLines(app, child.stdout, process.stdout);
    prefixLines(app, child.stderr, process.stderr);
    exits.push(
      new Promise((resolve) =>
        child.once('exit', (code, signal) => {
          if (!stopping) {
            console.error(`${app} exited unexpectedly (${signal ?? `code ${code}`}); stopping the others`);
            failed = true;
            stopAll('SIGTERM');
          } else if (code !== 0) failed = true;
          resolve(code);
        }),
      ),
    );
  }

  for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, () => {
      if (!stopping) console.log(`\n${signal}: stopping the apps …`);
      stopAll('SIGTERM');
    });
  }

  await Promise.all(exits);
  if (infra.started.length && !process.env.IW_KEEP_INFRA) await down({ only: infra.started });
  else if (infra.alreadyRunning.length) console.log('infrastructure left running (it was running before); `npm run infra:down` stops it');
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`start: ${e && e.message ? e.message : e}`);
    process.exit(1);
  },
);
