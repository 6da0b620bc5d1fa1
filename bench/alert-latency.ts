import type { BenchOptions } from './options';
import type { AlertLatencyResult } from './report';
import type { BenchWorld } from './world';

export async function benchAlertLatency(_world: BenchWorld, opts: BenchOptions, _log: (m: string) => void): Promise<AlertLatencyResult> {
  throw new Error(`not yet (${opts.alerts})`);
}
