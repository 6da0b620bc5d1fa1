import { DlqRepository, OutboxRepository, connectMongo } from '@iw/mongo';
import { waitFor } from '@iw/testing';
import type { OpsStatus } from '../../../apps/status/src/dtos/status.dto';
import { NOW, opsStatus, startHarness, type StatusHarness } from './harness';

/**
 * /status's whole-collection parts (DLQ, parked units, outbox) come from a reading kept at most
 * IW_STATUS_SNAPSHOT_EVERY (2 s here): a later change shows only once a reading after it is done,
 * and the answer says as of when. The one-pass reads give what the per-figure reads gave.
 */

jest.setTimeout(180_000);

let h: StatusHarness;
beforeAll(async () => {
  h = await startHarness({ IW_STATUS_SNAPSHOT_EVERY: '2s' });
});
afterAll(async () => {
  await h?.close();
});

const status = (): Promise<OpsStatus> => opsStatus(h);

const record = (offset: number, at: number, reasonClass: string) => ({
  topic: 't.actuals.cases',
  partition: 1,
  offset: String(offset),
  key: null,
  reasonClass,
  reason: `r${offset}`,
  preview: '{}',
  at: new Date(at),
});

describe('/status snapshot of the DLQ, parked units and outbox', () => {
  it('answers from the last reading with its time, and reads again in the background once it is older than the period', async () => {
    const first = await status();
    expect(first.snapshot).toMatchObject({ parts: ['dlq', 'parked', 'outbox'], everySeconds: 2 });
    expect(first.snapshot.ageSeconds).toBeLessThanOrEqual(2);
    expect(Math.abs(Date.parse(first.snapshot.asOf) - Date.now())).toBeLessThan(30_000);
    expect(first.dlq.count).toBe(1);
    expect(first.outbox.backlog).toBe(2);

    const conn = await connectMongo(h.mongoUrl);
    try {
      await new DlqRepository(conn).record([record(100, NOW, 'schema')]);
      const outbox = new OutboxRepository(conn);
      const [seeded] = await outbox.find({ state: 'pending' });
      await outbox.enqueue(
        [{ key: 'n-later', recipient: 'ops@example.gov.cn', notice: seeded.notice, createdAt: seeded.createdAt }],
        new Date(),
      );
    } finally {
      await conn.close();
    }

    // Within the period: the kept reading, same time, the change not in it yet.
    const kept = await status();
    if (Date.now() - Date.parse(first.snapshot.asOf) < 1500) {
      expect(kept.snapshot.asOf).toBe(first.snapshot.asOf);
      expect(kept.dlq.count).toBe(1);
      expect(kept.outbox.backlog).toBe(2);
    }

    // After it: concurrent requests answer at once from a kept reading while one new reading
    // runs (one at a time: at most two readings among them), then a later request sees the
    // change, as of a later time. Another caller of the snapshot (the /metrics gauges) may have
    // started a reading meanwhile, and one may end between the burst's requests.
    await new Promise((r) => setTimeout(r, 2500));
    const burst = await Promise.all([status(), status(), status()]);
    expect(new Set(burst.map((s) => s.snapshot.asOf)).size).toBeLessThanOrEqual(2);
    for (const s of burst) {
      expect(Date.parse(s.snapshot.asOf)).toBeGreaterThanOrEqual(Date.parse(first.snapshot.asOf));
      if (s.snapshot.asOf === first.snapshot.asOf) {
        expect(s.snapshot.ageSeconds).toBeGreaterThanOrEqual(2);
        expect(s.dlq.count).toBe(1);
      }
    }
    let fresh: OpsStatus | null = null;
    await waitFor(
      async () => {
        fresh = await status();
        return fresh.dlq.count === 2;
      },
      { timeoutMs: 30_000, intervalMs: 300, message: 'the DLQ record never showed' },
    );
    expect(Date.parse(fresh!.snapshot.asOf)).toBeGreaterThan(Date.parse(first.snapshot.asOf));
    expect(fresh!.outbox.backlog).toBe(3);
    expect(fresh!.dlq.byReason).toEqual({ schema: 2 });
    expect(fresh!.errors).toEqual({});
  });

  it('DLQ overview and outbox stats read in one pass agree with the per-figure reads', async () => {
    const conn = await connectMongo(h.mongoUrl);
    try {
      const dlq = new DlqRepository(conn);
      // Several at the same time (ties broken by _id, descending) and older and newer ones.
      await dlq.record(
        Array.from({ length: 25 }, (_, i) =>
          record(200 + i, NOW - (i % 7) * 60_000, i % 3 ? 'schema' : 'unknown_project'),
        ),
      );
      const [overview, count, byReason, latest] = await Promise.all([
        dlq.overview(10),
        dlq.count(),
        dlq.countByReason(),
        dlq.latest(10),
      ]);
      expect(overview.count).toBe(count);
      expect(overview.byReason).toEqual(byReason);
      expect(overview.latest.map((d) => d._id)).toEqual(latest.map((d) => d._id));
      expect(overview.latest).toHaveLength(10);

      const outbox = new OutboxRepository(conn);
      const s = await outbox.stats();
      const pending = await outbox.find({ state: 'pending' });
      const claimed = await outbox.find({ state: 'claimed' });
      expect(s.pending).toBe(pending.length + claimed.length);
      expect(s.failing).toBe([...pending, ...claimed].filter((d) => d.attempts > 0).length);
      expect(s.sent).toBe((await outbox.find({ state: 'sent' })).length);
      expect(s.muted).toBe((await outbox.find({ state: 'muted' })).length);
      expect(s.oldestPendingAt).toEqual(
        [...pending, ...claimed].map((d) => d.enqueuedAt).sort((a, b) => a.getTime() - b.getTime())[0],
      );
    } finally {
      await conn.close();
    }
  });
});
