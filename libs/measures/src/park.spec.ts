import { applyEvents, partitionKey, type AppliedEvent, type MeasureInput, type ProgressInit } from './apply';
import { applyOrPark, applyOrParkBounded, rebuildUnit } from './park';
import type { MeasureKind, Progress } from './progress';

const TZ = 'Asia/Shanghai';
const NOW = '2019-07-01T10:00:00.000Z';
const T = 'actuals.inspection-batches';
const init = (measure: MeasureKind): ProgressInit => ({
  id: 'u',
  measure,
  period: { from: '2019-01-01', to: '2019-12-31' },
});
const add = (value: number): MeasureInput => ({ kind: 'add', value });
const ev = (offset: number, input: MeasureInput, partition = 0, eventId = `e${partition}-${offset}`): AppliedEvent => ({
  trackedId: 'u',
  eventId,
  occurredAt: `2019-04-${String(1 + (offset % 28)).padStart(2, '0')}T10:00:00+08:00`,
  input,
  position: { topic: T, partition, offset },
});
const k0 = partitionKey(T, 0);
const k1 = partitionKey(T, 1);

/** A sum with 12 + 5 applied from partition 0, offsets 0 and 1. */
const summed = (): Progress => applyEvents(null, init('sum'), [ev(0, add(12)), ev(1, add(5))], TZ);

describe('applyOrPark', () => {
  it('applies as applyEvents does while the unit can take its events', () => {
    const p = applyOrPark(summed(), init('sum'), [ev(2, add(3))], TZ, NOW);
    expect(p).toEqual(applyEvents(summed(), init('sum'), [ev(2, add(3))], TZ));
    expect(p.parked).toBeUndefined();
  });

  it('parks the unit when its measure changed: the last good state stays, the events go aside with the reason', () => {
    const before = summed();
    const p = applyOrPark(before, init('count'), [ev(2, add(1)), ev(3, add(1))], TZ, NOW);
    expect(p.parked).toEqual({
      reason: expect.stringMatching(/measure changed from sum to count/),
      since: NOW,
      events: [ev(2, add(1)), ev(3, add(1))],
    });
    expect(p.actual).toBe(17);
    expect(p.applied).toEqual(before.applied);
    expect(p.version).toBe((before.version ?? 0) + 1);
  });

  it('keeps each position once and skips what was applied before parking (redelivered batches change nothing)', () => {
    const parked = applyOrPark(summed(), init('count'), [ev(1, add(1)), ev(2, add(1))], TZ, NOW);
    expect(parked.parked?.events.map((e) => e.position.offset)).toEqual([2]);
    const again = applyOrPark(parked, init('count'), [ev(2, add(1))], TZ, '2019-07-02T00:00:00Z');
    expect(again).toBe(parked); // nothing new: the same version, nothing to write
    const more = applyOrPark(parked, init('count'), [ev(2, add(1)), ev(3, add(1)), ev(0, add(1), 1)], TZ, NOW);
    expect(more.parked?.events.map((e) => `${e.position.partition}:${e.position.offset}`)).toEqual([
      '0:2',
      '0:3',
      '1:0',
    ]);
    expect(more.parked?.since).toBe(NOW);
    expect(more.version).toBe((parked.version ?? 0) + 1);
    expect(parked.parked?.events).toHaveLength(1); // never mutated
  });

  it('keeps at most maxParked events aside; the rest overflow (again on a redelivery), the state unchanged by them', () => {
    const first = applyOrParkBounded(summed(), init('count'), [ev(2, add(1)), ev(3, add(1)), ev(4, add(1))], TZ, NOW, {
      maxParked: 2,
    });
    expect(first.progress.parked?.events.map((e) => e.position.offset)).toEqual([2, 3]);
    expect(first.overflow.map((e) => e.position.offset)).toEqual([4]);
    // Redelivered with one more: nothing new is kept, both overflow, no new version.
    const again = applyOrParkBounded(
      first.progress,
      init('count'),
      [ev(3, add(1)), ev(4, add(1)), ev(5, add(1))],
      TZ,
      NOW,
      {
        maxParked: 2,
      },
    );
    expect(again.progress).toBe(first.progress);
    expect(again.overflow.map((e) => e.position.offset)).toEqual([4, 5]);
    // Unbounded by default; a unit that can take its events overflows nothing.
    expect(applyOrParkBounded(summed(), init('count'), [ev(2, add(1)), ev(3, add(1))], TZ, NOW).overflow).toEqual([]);
    expect(applyOrParkBounded(summed(), init('sum'), [ev(2, add(1))], TZ, NOW, { maxParked: 0 }).overflow).toEqual([]);
  });

  it('parks a new unit whose first events cannot be applied', () => {
    const p = applyOrPark(null, init('milestone'), [ev(0, add(1))], TZ, NOW);
    expect(p.parked?.reason).toMatch(/cannot take a add input/);
    expect(p.actual).toBeNull();
    expect(p.version).toBe(1);
  });
});

describe('rebuildUnit', () => {
  it('recomputes from what was read, raises the fence to it, and applies the parked events beyond it', () => {
    const parked = applyOrPark(summed(), init('count'), [ev(2, add(1)), ev(3, add(1)), ev(0, add(1), 1)], TZ, NOW);
    // The scan read partition 0 up to offset 2 and partition 1 up to 0 (nothing for this unit there).
    const scanned = [ev(0, add(1)), ev(1, add(1)), ev(2, add(1))];
    const r = rebuildUnit(parked, init('count'), scanned, { [k0]: 2, [k1]: 0 }, TZ);
    if (!r.ok) throw new Error('expected a rebuild');
    expect(r.parkedApplied).toBe(1); // offset 3 of partition 0; 0:2 and 1:0 were read
    expect(r.progress.measure).toBe('count');
    expect(r.progress.actual).toBe(4);
    expect(r.progress.parked).toBeUndefined();
    expect(r.progress.applied).toEqual({ [k0]: 3, [k1]: 0 });
    expect(r.progress.version).toBe((parked.version ?? 0) + 1);
    // Ingest, still behind the scan, delivers what was read: nothing counts twice.
    expect(applyOrPark(r.progress, init('count'), [ev(2, add(1)), ev(0, add(1), 1)], TZ, NOW)).toEqual(r.progress);
  });

  it('refuses while the stored state counts offsets past what was read', () => {
    const ahead = applyEvents(summed(), init('sum'), [ev(9, add(1), 1)], TZ);
    expect(rebuildUnit(ahead, init('sum'), [], { [k0]: 5, [k1]: 3 }, TZ)).toEqual({ ok: false, behind: [k1] });
    expect(rebuildUnit(ahead, init('sum'), [], { [k0]: 5 }, TZ)).toEqual({ ok: false, behind: [k1] });
    expect(rebuildUnit(ahead, init('sum'), [], { [k0]: 5, [k1]: 9 }, TZ).ok).toBe(true);
  });

  it('gives a unit never written before its first state', () => {
    const r = rebuildUnit(null, init('sum'), [ev(0, add(4))], { [k0]: 7 }, TZ);
    expect(r).toMatchObject({ ok: true, parkedApplied: 0, progress: { actual: 4, version: 1, applied: { [k0]: 7 } } });
  });
});
