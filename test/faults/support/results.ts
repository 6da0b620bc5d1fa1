/**
 * One row of the fault-suite summary per scenario. Each spec records what it measured (before
 * it asserts, so a failing scenario still shows its numbers); the summary reporter
 * (test/faults/summary-reporter.js) prints the rows as a table at the end of the run and marks
 * each PASS or FAIL from jest's own result for the test that recorded it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ScenarioRow {
  scenario: string;
  /** Messages published (valid + bad). */
  published: number;
  /** Short text: the independently computed totals (or what was expected). */
  expected: string;
  /** Short text: what the pipeline kept. */
  observed: string;
  /** Event contributions missing from progress (Σ max(0, expected − observed) over tracked units). */
  lost: number | null;
  /** Event contributions counted more than once. */
  doubled: number | null;
  emailsExpected: number | null;
  emailsReceived: number | null;
  emailsDuplicated: number | null;
  /** What the scenario did: kills, outage length, RSS, … */
  notes: string;
  seconds: number;
}

export interface RecordedRow extends ScenarioRow {
  testPath: string;
  testName: string;
}

/** Where rows go: set by test/faults/jest.config.js for the run (one file per jest process). */
export function resultsFile(): string {
  const f = process.env.IW_FAULTS_RESULTS;
  if (!f) throw new Error('IW_FAULTS_RESULTS is not set: run the fault suite with `npm run test:faults`');
  return f;
}

export function recordScenario(row: ScenarioRow): void {
  const state = expect.getState();
  const recorded: RecordedRow = { ...row, testPath: state.testPath ?? '', testName: state.currentTestName ?? '' };
  fs.mkdirSync(path.dirname(resultsFile()), { recursive: true });
  fs.appendFileSync(resultsFile(), JSON.stringify(recorded) + '\n');
  process.stdout.write(
    `\n[faults] ${row.scenario}: published ${row.published}, lost ${row.lost ?? '-'}, doubled ${row.doubled ?? '-'}, ${row.notes} (${row.seconds.toFixed(0)} s)\n`,
  );
}

/** Seconds since `t0` (ms). */
export const since = (t0: number) => (Date.now() - t0) / 1000;
