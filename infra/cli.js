#!/usr/bin/env node
// @ts-check
'use strict';
// npm run infra:up | infra:down | infra:status
//   up [--brokers 1|3] [--report FILE]  start what is missing; --brokers 3: a three-broker Kafka
//                               cluster (same as KAFKA_LOCAL_BROKERS=3); FILE gets {"started": [...]}
//   down [--only kafka,ferretdb] stop what infra started
//   status                      exit 0 when everything answers, 3 otherwise

const fs = require('node:fs');
const { up, down, status } = require('./index');

/** @param {string[]} argv @param {string} flag */
function option(argv, flag) {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** @param {string[]} argv @returns {Promise<number>} */
async function main(argv) {
  const [command] = argv;
  switch (command) {
    case 'up': {
      const brokers = option(argv, '--brokers');
      if (argv.includes('--brokers') && !/^[135]$/.test(brokers ?? ''))
        throw new UsageError(`--brokers: 1, 3 or 5 (got "${brokers ?? ''}")`);
      const result = await up(brokers ? { brokers: Number(brokers) } : {});
      const report = option(argv, '--report');
      if (report) fs.writeFileSync(report, JSON.stringify(result) + '\n');
      return 0;
    }
    case 'down': {
      const only = option(argv, '--only');
      const names = only
        ? only
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
      for (const n of names ?? [])
        if (n !== 'kafka' && n !== 'ferretdb') throw new UsageError(`unknown service "${n}" (kafka, ferretdb)`);
      await down({ only: /** @type {any} */ (names) });
      return 0;
    }
    case 'status': {
      const st = await status();
      let ok = true;
      for (const [name, x] of Object.entries(st)) {
        ok &&= x.answers;
        const pids = 'pids' in x && x.pids ? `pids ${x.pids.join(', ')}` : `pid ${x.pid}`;
        const owner = x.managed ? (x.pid ? `started by infra, ${pids}` : 'not started by infra') : 'external';
        console.log(`${name.padEnd(9)} ${x.answers ? 'answers' : 'DOWN   '}  ${x.where}  (${owner})`);
      }
      return ok ? 0 : 3;
    }
    default:
      throw new UsageError(`usage: node infra/cli.js up [--brokers 3]|down|status`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    // Errors the user can act on are one line (plus a hint); anything else without its stack
    // unless IW_DEBUG is set.
    const hint = e && e.hint ? ` — ${e.hint}` : '';
    console.error(`infra: ${e && e.message ? e.message : String(e)}${hint}`);
    if (process.env.IW_DEBUG && e && e.stack) console.error(e.stack);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
