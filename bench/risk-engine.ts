import { run as evaluateBench } from '../libs/risk/bench/evaluate.bench';
import type { RiskResult } from './report';
import { median, round } from './stats';

/**
 * Stage 3: libs/risk's own bench (mixed target shapes, one evaluate() per unit) at each size;
 * the median of a few runs per size, smaller sizes repeated more as they are noisier.
 */
export function benchRisk(sizes: readonly number[], log: (m: string) => void): RiskResult {
  const nsPerEval: Record<string, number | null> = {};
  for (const size of sizes) {
    const runs = size >= 1_000_000 ? 3 : 5;
    const samples = Array.from({ length: runs }, () => evaluateBench(size));
    nsPerEval[String(size)] = round(median(samples), 1);
    log(`risk: ${size} states, ${nsPerEval[String(size)]} ns per evaluation (median of ${runs})`);
  }
  return { nsPerEval };
}
