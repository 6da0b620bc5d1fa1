import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Several jest runs may share the local infrastructure (two terminals, or engineers on one
 * machine). Each run holds a lease; the services a run started are stopped by whichever run
 * releases the last live lease, never under another run's feet.
 */

const ROOT = path.resolve(__dirname, '../..');

function runDir(): string {
  return path.join(process.env.IW_LOCAL_DIR || path.join(ROOT, '.local'), 'run');
}

interface Lease {
  pid: number;
  started: string[];
}

const leaseDir = () => path.join(runDir(), 'test-leases');
const stopFile = () => path.join(runDir(), 'test-stop-when-idle.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readJson<T>(file: string, fallback: T): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

export function takeLease(started: string[], pid = process.pid): void {
  fs.mkdirSync(leaseDir(), { recursive: true });
  const lease: Lease = { pid, started };
  fs.writeFileSync(path.join(leaseDir(), `${pid}.json`), JSON.stringify(lease));
}

/** Drops this run's lease; returns the services to stop now (empty while other runs hold leases). */
export function releaseLease(pid = process.pid): string[] {
  const own = path.join(leaseDir(), `${pid}.json`);
  const mine = readJson<Lease>(own, { pid, started: [] });
  fs.rmSync(own, { force: true });
  const pending = new Set([...readJson<string[]>(stopFile(), []), ...mine.started]);
  const others = fs.existsSync(leaseDir())
    ? fs.readdirSync(leaseDir()).filter((f) => {
        const lease = readJson<Lease | null>(path.join(leaseDir(), f), null);
        if (lease && alive(lease.pid)) return true;
        // A run that died without teardown: its services become pending too.
        for (const s of lease?.started ?? []) pending.add(s);
        fs.rmSync(path.join(leaseDir(), f), { force: true });
        return false;
      })
    : [];
  if (others.length > 0) {
    if (pending.size) fs.writeFileSync(stopFile(), JSON.stringify([...pending]));
    return [];
  }
  fs.rmSync(stopFile(), { force: true });
  return [...pending];
}
