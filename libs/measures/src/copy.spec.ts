import { applyEvents, type AppliedEvent } from './apply';
import { copyState } from './copy';
import type { Progress } from './progress';

const TZ = 'Asia/Shanghai';
const T = 'actuals.measurements';

/** A latest-measured unit with a few weeks of history, kept readings and an assessment. */
function state(): Progress {
  const events: AppliedEvent[] = Array.from({ length: 40 }, (_, i) => ({
    trackedId: 'u',
    eventId: `e${i}`,
    occurredAt: `2019-04-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00+08:00`,
    input: { kind: 'reading', value: i * 1.5 },
    position: { topic: T, partition: i % 3, offset: i },
  }));
  events.push({
    trackedId: 'u',
    eventId: 'a1',
    occurredAt: '2019-04-30T10:00:00+08:00',
    input: { kind: 'assessment', likelihood: '有可能', text: '进度偏慢' },
    position: { topic: T, partition: 0, offset: 99 },
  });
  return applyEvents(
    null,
    { id: 'u', measure: 'latest', period: { from: '2019-01-01', to: '2019-12-31' } },
    events,
    TZ,
  );
}

/** Every object (and array) reached walking `v` as a tree: one reached twice is listed twice. */
function objectsOf(v: unknown, into: object[] = []): object[] {
  if (v !== null && typeof v === 'object') {
    into.push(v);
    for (const x of Object.values(v)) objectsOf(x, into);
  }
  return into;
}

describe('copyState', () => {
  it('gives what structuredClone gives for a unit state', () => {
    const p = state();
    expect(p.history.length).toBeGreaterThan(20);
    expect(p.readings?.length).toBe(40);
    expect(copyState(p)).toStrictEqual(structuredClone(p));
  });

  it('shares no object or array with the original', () => {
    const p = state();
    const original = objectsOf(p);
    const copied = objectsOf(copyState(p));
    expect(copied).toHaveLength(original.length);
    expect(copied.filter((o) => original.includes(o))).toEqual([]);
    // No two places of the copy hold one object either (the latest assessment is also in the list).
    expect(new Set(copied).size).toBe(copied.length);
    expect(new Set(original).size).toBeLessThan(original.length);
  });

  it('leaves the original as it was when the copy changes', () => {
    const p = state();
    const before = structuredClone(p);
    const c = copyState(p);
    c.history[0].value = -1;
    c.readings!.pop();
    c.applied![Object.keys(c.applied!)[0]] = 1e9;
    c.period.to = '2020-12-31';
    expect(p).toStrictEqual(before);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', '进度'],
    ['a number', 3.5],
    ['a boolean', false],
    ['undefined', undefined],
    ['nested arrays', [[1, [2]], [], [{ a: null }]]],
    ['a key holding undefined', { a: undefined, b: 1 }],
  ])('copies %s as structuredClone does', (_name, v) => {
    expect(copyState(v)).toStrictEqual(structuredClone(v));
  });

  it('copies Dates and byte arrays as new ones with the same contents', () => {
    const at = new Date('2019-04-01T00:00:00Z');
    const bytes = Buffer.from('进度', 'utf8');
    const c = copyState({ at, bytes: new Uint8Array(bytes) });
    expect(c.at).toBeInstanceOf(Date);
    expect(c.at).not.toBe(at);
    expect(c.at.getTime()).toBe(at.getTime());
    expect(c.bytes).toBeInstanceOf(Uint8Array);
    expect([...c.bytes]).toEqual([...bytes]);
  });

  it('makes a class instance a plain object of its own fields, as structuredClone does', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      get sum(): number {
        return this.x + this.y;
      }
    }
    const c = copyState({ p: new Point(1, 2) });
    expect(Object.getPrototypeOf(c.p)).toBe(Object.prototype);
    expect(c.p).toStrictEqual(structuredClone({ p: new Point(1, 2) }).p);
  });
});
