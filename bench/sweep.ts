import type { BenchOptions } from './options';
import type { SweepResult } from './report';
import type { BenchWorld } from './world';

export async function benchSweep(_world: BenchWorld, opts: BenchOptions, _log: (m: string) => void): Promise<SweepResult> {
  throw new Error(`not yet (${opts.sweep})`);
}
