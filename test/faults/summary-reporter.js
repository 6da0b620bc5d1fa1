// Prints the fault suite's summary table after the run: one row per scenario as its spec
// recorded it (support/results.ts), PASS/FAIL from jest's own result for the test that
// recorded the row. A spec file that failed before recording anything gets a FAIL row too.
// The same table is written as Markdown to .local/faults/summary.md.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const COLUMNS = [
  ['scenario', 'scenario'],
  ['published', 'events published'],
  ['expected', 'expected totals'],
  ['observed', 'observed totals'],
  ['lost', 'lost'],
  ['doubled', 'doubled'],
  ['emails', 'emails exp/recv/dup'],
  ['result', 'pass/fail'],
  ['seconds', 's'],
];

function readRows(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const dash = (v) => (v === null || v === undefined ? '-' : String(v));

class FaultsSummaryReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
    this.file = process.env.IW_FAULTS_RESULTS;
  }

  onRunStart() {
    if (this.file) fs.rmSync(this.file, { force: true });
  }

  onRunComplete(_contexts, results) {
    const rows = this.file ? readRows(this.file) : [];
    const statusOf = new Map();
    for (const file of results.testResults) {
      for (const a of file.testResults) statusOf.set(`${file.testFilePath}\0${a.fullName}`, a.status);
    }
    const table = rows.map((r) => {
      const status = statusOf.get(`${r.testPath}\0${r.testName}`);
      return {
        ...r,
        emails:
          r.emailsExpected === null
            ? '-'
            : `${dash(r.emailsExpected)}/${dash(r.emailsReceived)}/${dash(r.emailsDuplicated)}`,
        result: status === 'passed' ? 'PASS' : 'FAIL',
        seconds: Math.round(r.seconds),
      };
    });
    for (const file of results.testResults) {
      const failed = file.numFailingTests > 0 || file.testExecError;
      const hasRow = rows.some((r) => r.testPath === file.testFilePath);
      if (failed && !hasRow) {
        const msg = (
          file.testExecError?.message ??
          file.testResults.find((a) => a.status === 'failed')?.failureMessages?.[0] ??
          ''
        ).split('\n')[0];
        table.push({
          scenario: path.basename(file.testFilePath),
          published: '-',
          expected: '-',
          observed: msg.slice(0, 60),
          lost: '-',
          doubled: '-',
          emails: '-',
          result: 'FAIL',
          seconds: Math.round((file.perfStats.end - file.perfStats.start) / 1000),
          notes: msg,
        });
      }
    }
    table.sort((a, b) => String(a.scenario).localeCompare(String(b.scenario), 'en', { numeric: true }));
    if (table.length === 0) {
      if (this.file) fs.rmSync(this.file, { force: true });
      return;
    }

    const cells = table.map((r) => COLUMNS.map(([k]) => dash(r[k])));
    const heads = COLUMNS.map(([, h]) => h);
    const width = (i) => Math.max(strWidth(heads[i]), ...cells.map((c) => strWidth(c[i])));
    const pad = (s, i) => s + ' '.repeat(Math.max(0, width(i) - strWidth(s)));
    const line = (c) => '| ' + c.map(pad).join(' | ') + ' |';
    const rule = '|' + COLUMNS.map((_, i) => '-'.repeat(width(i) + 2)).join('|') + '|';
    const out = [line(heads), rule, ...cells.map(line)];
    const notes = table.map((r) => `- ${r.scenario}: ${r.notes ?? ''}`);
    const total = (results.startTime ? (Date.now() - results.startTime) / 1000 : 0).toFixed(0);
    const text = [
      '',
      'Fault suite summary',
      ...out,
      '',
      'Notes',
      ...notes,
      '',
      `${table.filter((r) => r.result === 'PASS').length}/${table.length} scenarios passed in ${total} s`,
      '',
    ].join('\n');
    process.stdout.write(text + '\n');
    if (this.file) {
      const md = path.join(path.dirname(this.file), 'summary.md');
      fs.writeFileSync(md, text);
      process.stdout.write(`(also written to ${md})\n`);
      fs.rmSync(this.file, { force: true });
    }
  }
}

/** Display width: CJK characters take two columns. */
function strWidth(s) {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return w;
}

module.exports = FaultsSummaryReporter;
