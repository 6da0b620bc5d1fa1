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
    // A 10k run lasts ~5 ms: its median over a few runs was spoilt by any burst of load from
    // the stage before (1.9 µs right after the alert stage, 0.53 µs on its own); more runs
    // spread the small sizes over a similar time as the large ones.
    const runs = size >= 1_000_000 ? 3 : size >= 100_000 ? 9 : 51;
    const samples = Array.from({ length: runs }, () => evaluateBench(size));
    nsPerEval[String(size)] = round(median(samples), 1);
    log(
      `risk: ${size} states, ${nsPerEval[String(size)]} ns per evaluation (median of ${runs}, after ${WARM_UP} warm-up evaluations)`,
    );
  }
  return { nsPerEval };
}
