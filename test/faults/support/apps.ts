/**
 * The apps as processes, the way production runs them (dist/…/main.js), plus what the
 * scenarios watch from outside: resident memory from /proc, and consumer-group lag.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaAdmin, KafkaClient } from '@iw/kafka';
import { spawnApp, testKafkaConfig, waitFor, type AppProcess } from '@iw/testing';
import { startIngest } from '../../integration/ingest/harness';
import { faultsDir } from './dedicated';
import { quiet } from './stream';

export type { AppProcess };

/** Starts ingest and waits until its consumer is running. */
export async function runIngest(env: Record<string, string>, timeoutMs = 90_000): Promise<AppProcess> {
  const app = startIngest(env);
  await app.waitForOutput(/successfully started/, timeoutMs);
  return app;
}

export function runAlerting(env: Record<string, string>): AppProcess {
  return spawnApp({
    entry: 'dist/apps/alerting/src/main.js',
    env: { IW_METRICS_PORT_ALERTING: '0', IW_LOG_LEVEL: 'log', ...env },
  });
}

export function runStatus(env: Record<string, string>): AppProcess {
  return spawnApp({ entry: 'dist/apps/status/src/main.js', env: { IW_LOG_LEVEL: 'log', ...env } });
}

/** Keeps an app's output under .local/faults/logs/ (for a failed scenario's post-mortem). */
export function saveLog(name: string, app: AppProcess | undefined): void {
  if (!app) return;
  const dir = path.join(faultsDir(), 'logs');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.log`), app.output());
}

/** Resident set size of a process in MiB (VmRSS), or null once it is gone. */
export function rssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stopped. */
export class RssSampler {
  readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;
  constructor(
    private readonly pid: () => number | undefined,
    everyMs = 250,
  ) {
    this.timer = setInterval(() => {
      const v = rssMiB(this.pid());
      if (v !== null) this.samples.push(v);
    }, everyMs);
  }
  stop(): { max: number; first: number; last: number } {
    clearInterval(this.timer);
    return {
      max: Math.max(0, ...this.samples),
      first: this.samples[0] ?? 0,
      last: this.samples[this.samples.length - 1] ?? 0,
    };
  }
}

/** Messages published but not yet committed by `groupId` on `topics` (null before any commit). */
export async function lagOf(brokers: string[], groupId: string, topics: string[]): Promise<number | null> {
  const admin = new KafkaAdmin(new KafkaClient({ ...testKafkaConfig(), brokers, clientId: 'iw-faults-lag' }, quiet));
  await admin.connect();
  try {
    const lags = await admin.lag(groupId, topics);
    return lags.reduce((s, l) => s + l.lag, 0);
  } finally {
    await admin.disconnect();
  }
}

export { waitFor };

/** Sum of the offsets `groupId` has committed on `topics` (what it will not read again). */
export async function committedOf(brokers: string[], groupId: string, topics: string[]): Promise<number> {
  const admin = new KafkaAdmin(new KafkaClient({ ...testKafkaConfig(), brokers, clientId: 'iw-faults-lag' }, quiet));
  await admin.connect();
  try {
    const lags = await admin.lag(groupId, topics);
    return lags.reduce((s, l) => s + (l.committed === null ? 0 : Number(l.committed)), 0);
  } finally {
    await admin.disconnect();
  }
}
