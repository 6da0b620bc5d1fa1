import mongoose from 'mongoose';
import { MONGO_TIMINGS, MONITOR_SILENCE_LIMIT_MS, connectMongo, type Connection } from '@iw/mongo';
import { uniqueId } from '@iw/testing';
import { DedicatedFerret } from './support/dedicated';
import { recordScenario, since } from './support/results';

/**
 * Scenario 3, the failure behind "ingest sometimes never resumes after the outage". After a
 * network error the driver pauses its pool and marks the server Unknown; only its server
 * monitor's next successful `hello` makes the server selectable again. When the monitor stops
 * reporting (seen in 2 of 5 runs of scenario 3: every selection failed for 5 minutes with the
 * error of the moment the server went away), nothing ever resumes.
 *
 * Here the monitor of two real connections to a dedicated FerretDB is frozen the same way (its
 * schedule stopped, as if a check never returned), the server is stopped and started again:
 * - a bare mongoose connection (no supervision) stays unusable — the failure itself;
 * - a connectMongo connection notices the silent monitor, restarts it, and works again.
 */
const DOWN_MS = 5000;

let ferret: DedicatedFerret;
let supervised: Connection | undefined;
let bare: Connection | undefined;

beforeAll(async () => {
  ferret = await DedicatedFerret.create(uniqueId('ferret-mon'));
  await ferret.start();
});

afterAll(async () => {
  await supervised?.close(true).catch(() => undefined);
  await bare?.close(true).catch(() => undefined);
  if (!(await ferret?.isUp().catch(() => false))) await ferret?.start().catch(() => undefined);
  await ferret?.destroy();
});

type Frozen = { monitorId?: { stop(): void } };
function freezeMonitors(conn: Connection): number {
  const servers = (conn.getClient() as unknown as { topology: { s: { servers: Map<string, { monitor: Frozen }> } } })
    .topology.s.servers;
  let n = 0;
  for (const s of servers.values()) {
    s.monitor.monitorId?.stop();
    n++;
  }
  return n;
}

async function works(conn: Connection): Promise<boolean> {
  try {
    await conn
      .collection('probe')
      .updateOne({ _id: 'p' as never }, { $inc: { n: 1 } }, { upsert: true, maxTimeMS: 2000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Writers that keep operations in flight, so the stop breaks established connections (an
 * error after the handshake is what marks the server Unknown and pauses the pool; a refused
 * new connection does not).
 */
function writers(conn: Connection, n: number) {
  const state = { running: true, ok: 0, failed: 0, lastOkAt: 0 };
  const loops = Array.from({ length: n }, async (_, i) => {
    let k = 0;
    while (state.running) {
      try {
        await conn
          .collection('load')
          .updateOne({ _id: `w${i}-${k++ % 20}` as never }, { $inc: { n: 1 } }, { upsert: true });
        state.ok++;
        state.lastOkAt = Date.now();
      } catch {
        state.failed++;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return { state, stop: async () => ((state.running = false), await Promise.all(loops)) };
}

async function firstSuccess(conn: Connection, withinMs: number): Promise<number | null> {
  const t = Date.now();
  while (Date.now() - t < withinMs) {
    if (await works(conn)) return Date.now() - t;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

it('the database connection recovers after an outage even when the driver monitor stops reporting', async () => {
  const t0 = Date.now();
  const db = uniqueId('iw-mon');
  const url = ferret.baseUrl.replace(/\/indicator-watch$/, `/${db}`);
  const lines: string[] = [];
  supervised = await connectMongo(url, {
    appName: 'faults-supervised',
    logger: { log: (m: string) => lines.push(`log ${m}`), warn: (m: string) => lines.push(`warn ${m}`) },
  });
  bare = await mongoose
    .createConnection(url, { serverSelectionTimeoutMS: 5000, maxPoolSize: 4, ...MONGO_TIMINGS })
    .asPromise();
  expect(await works(supervised)).toBe(true);
  expect(await works(bare)).toBe(true);

  const frozen = freezeMonitors(supervised) + freezeMonitors(bare);
  const load = [writers(supervised, 8), writers(bare, 8)];
  await new Promise((r) => setTimeout(r, 1500));
  const okBefore = load.map((l) => l.state.ok);
  await ferret.stop();
  // Operations fail now: the ones in flight lose their connection, which marks the server Unknown and pauses the pools.
  await new Promise((r) => setTimeout(r, 500));
  const during = [await works(supervised), await works(bare)];
  await Promise.all(load.map((l) => l.stop()));
  await new Promise((r) => setTimeout(r, DOWN_MS));
  await ferret.start();

  // The supervisor needs the silence limit plus one check interval; the bare connection gets as long.
  const windowMs = MONITOR_SILENCE_LIMIT_MS + 20_000;
  const [supervisedAfterMs, bareAfterMs] = await Promise.all([
    firstSuccess(supervised, windowMs),
    firstSuccess(bare, windowMs),
  ]);
  const restarts = lines.filter((l) => /silent .* restarting it/.test(l));
  recordScenario({
    scenario: '3b. stuck driver monitor after a DB outage',
    published: 0,
    expected: 'supervised resumes; bare stays down',
    observed: `supervised ${supervisedAfterMs === null ? 'down' : 'resumed'}; bare ${bareAfterMs === null ? 'down' : 'resumed'}`,
    lost: null,
    doubled: null,
    emailsExpected: null,
    emailsReceived: null,
    emailsDuplicated: null,
    notes: `${frozen} monitors frozen; writes before the stop ${okBefore.join('/')}, failed around it ${load.map((l) => l.state.failed).join('/')}; FerretDB down ${DOWN_MS / 1000} s; writes during the outage ${JSON.stringify(during)}; supervised connection wrote again ${supervisedAfterMs === null ? 'never' : `${(supervisedAfterMs / 1000).toFixed(1)} s after restart`}, bare connection ${bareAfterMs === null ? `never within ${windowMs / 1000} s` : `after ${(bareAfterMs / 1000).toFixed(1)} s`}; supervisor said: ${lines.join(' | ')}`,
    seconds: since(t0),
  });
  expect(frozen).toBe(2);
  expect(Math.min(...okBefore)).toBeGreaterThan(0);
  expect(during).toEqual([false, false]);
  expect(bareAfterMs).toBeNull(); // without supervision the connection never comes back
  expect(supervisedAfterMs).not.toBeNull();
  expect(supervisedAfterMs!).toBeLessThanOrEqual(MONITOR_SILENCE_LIMIT_MS + 10_000);
  expect(restarts.length).toBeGreaterThanOrEqual(1);
  expect(lines.some((l) => /^warn unreachable:/.test(l))).toBe(true);
  expect(lines.some((l) => /^log reachable again after/.test(l))).toBe(true);
}, 180_000);
