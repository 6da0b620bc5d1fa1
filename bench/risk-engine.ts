import { run as evaluateBench } from '../libs/risk/bench/evaluate.bench';
import type { RiskResult } from './report';
import { median, round } from './stats';

/** Evaluations run before anything is timed, so no size pays for the JIT warming up. */
const WARM_UP = 200_000;

/**
 * Stage 3: libs/risk's own bench (mixed target shapes, one evaluate() per unit) at each size;
 * the median of several runs per size, smaller sizes repeated more as they are noisier.
 */
export function benchRisk(sizes: readonly number[], log: (m: string) => void): RiskResult {
  const nsPerEval: Record<string, number | null> = {};
  // Without this the first (smallest) size ran cold: 1.6 µs at 10k against 0.7 µs at 100k.
  evaluateBench(WARM_UP);
  for (const size of sizes) {
    const runs = size >= 1_000_000 ? 3 : size >= 100_000 ? 5 : 9;
    const samples = Array.from({ length: runs }, () => evaluateBench(size));
    nsPerEval[String(size)] = round(median(samples), 1);
    log(`risk: ${size} states, ${nsPerEval[String(size)]} ns per evaluation (median of ${runs}, after ${WARM_UP} warm-up evaluations)`);
  }
  return { nsPerEval };
}
