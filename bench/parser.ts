import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseTargetTable } from '@iw/targets';
import type { ParserResult } from './report';
import { SEED_FILE } from './seed';
import { median, round } from './stats';
import { ROOT } from './world';

const WARM_UP = 20;

/** Stage 5: reading the seed file (read + parse), median of `runs` after a warm-up. */
export function benchParser(runs: number, log: (m: string) => void): ParserResult {
  const read = () => parseTargetTable(fs.readFileSync(SEED_FILE, 'utf8'));
  const first = read();
  if (first.projects.length === 0) throw new Error(`the seed file gave no projects: ${SEED_FILE}`);
  for (let i = 0; i < WARM_UP; i++) read();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    read();
    ms.push(performance.now() - t);
  }
  const result = { medianMs: round(median(ms), 3), runs, file: path.relative(ROOT, SEED_FILE) };
  log(`parser: ${result.file}, median ${result.medianMs} ms over ${runs} runs (${first.projects.length} projects)`);
  return result;
}
