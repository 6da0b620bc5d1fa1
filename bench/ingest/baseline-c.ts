import * as path from 'node:path';
import { RESULT_TAG, type BaselineReport } from '../baseline-c/baseline.meter';
import { spawnBenchApp } from '../spawn';
import { BUILD_DIR } from '../world';

export interface BaselineCRun extends BaselineReport {
  ms: number;
}

/**
 * Runs baseline C (bench/baseline-c, compiled) until it reports: after `maxEvents` messages,
 * `maxMs` after its first message, or once all `total` were handled. The rate is taken from
 * its first message to its last, i.e. without start-up and group join, which favours C.
 */
export async function runBaselineC(
  env: Record<string, string>,
  limits: { maxEvents: number; maxMs: number; total: number },
): Promise<BaselineCRun> {
  const app = spawnBenchApp(
    path.join(BUILD_DIR, 'bench/baseline-c/main.js'),
    {
      ...env,
      BENCH_C_MAX_EVENTS: String(limits.maxEvents),
      BENCH_C_MAX_MS: String(limits.maxMs),
      BENCH_C_TOTAL: String(limits.total),
    },
    'baseline-c',
  );
  try {
    const m = await app.waitForOutput(new RegExp(`${RESULT_TAG} (\\{.*\\})`), limits.maxMs + 120_000);
    const report = JSON.parse(m[1]) as BaselineReport;
    if (report.handled === 0) throw new Error('baseline C handled nothing');
    return { ...report, ms: report.lastAt - report.firstAt };
  } finally {
    await app.stop('SIGTERM', 15_000);
  }
}
