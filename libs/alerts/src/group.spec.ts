import { digestId } from './dedup';
import { evaluation, T0, alertUnit } from '../test/fixtures';
import { groupNotices, readyAt, recipientSlices } from './group';
import { transition } from './state-machine';
import type { Notification, NotificationHead } from './types';

const WAIT = 30_000;

function pending(recipient: string, unitId: string, createdAt: number): Notification {
  const notice = transition(null, evaluation('at_risk', { unit: alertUnit({ id: unitId }) }), createdAt).notices[0];
  return { key: `${unitId}|${recipient}`, recipient, notice, createdAt: new Date(createdAt).toISOString() };
}

describe('groupNotices', () => {
  it.each<[string, number, number, boolean]>([
    ['inside the wait', WAIT, WAIT - 1, false],
    ['at the end of the wait', WAIT, WAIT, true],
    ['after the wait', WAIT, WAIT + 5000, true],
    ['wait 0: at once', 0, 0, true],
  ])('%s', (_, wait, age, ready) => {
    const r = groupNotices([pending('a@x.cn', 'u1', T0)], T0 + age, wait);
    expect(r.digests).toHaveLength(ready ? 1 : 0);
    expect(r.pending).toHaveLength(ready ? 0 : 1);
    expect(r.nextFlushAt).toBe(ready ? null : T0 + wait);
  });

  it('sends all of a recipient’s notifications once the oldest has waited, and holds others', () => {
    const list = [
      pending('a@x.cn', 'u2', T0 + 20_000), // arrived later, rides along
      pending('a@x.cn', 'u1', T0),
      pending('b@x.cn', 'u3', T0 + 10_000),
    ];
    const r = groupNotices(list, T0 + WAIT, WAIT);
    expect(r.digests).toHaveLength(1);
    expect(r.digests[0].recipient).toBe('a@x.cn');
    expect(r.digests[0].notifications.map((n) => n.notice.alertId)).toEqual(['u1', 'u2']);
    expect(r.digests[0].id).toBe(digestId('a@x.cn', ['u1|a@x.cn', 'u2|a@x.cn']));
    expect(r.pending.map((n) => n.recipient)).toEqual(['b@x.cn']);
    expect(r.nextFlushAt).toBe(T0 + 10_000 + WAIT);
  });

  it('gives the same digest id for the same pending set (a re-flush after a crash)', () => {
    const list = [pending('a@x.cn', 'u1', T0), pending('a@x.cn', 'u2', T0)];
    const first = groupNotices(list, T0 + WAIT, WAIT).digests[0].id;
    expect(groupNotices([...list].reverse(), T0 + 2 * WAIT, WAIT).digests[0].id).toBe(first);
  });

  it('splits a large group into digests of at most maxPerDigest', () => {
    const list = Array.from({ length: 7 }, (_, i) => pending('a@x.cn', `u${i}`, T0 + i));
    const r = groupNotices(list, T0 + WAIT + 10, WAIT, 3);
    expect(r.digests.map((d) => d.notifications.length)).toEqual([3, 3, 1]);
    expect(new Set(r.digests.map((d) => d.id)).size).toBe(3);
  });

  it('returns nothing for nothing', () => {
    expect(groupNotices([], T0, WAIT)).toEqual({ digests: [], pending: [], nextFlushAt: null });
  });
});

describe('group interval', () => {
  const INTERVAL = 3_600_000;
  const wait = () => WAIT;
  const every = () => INTERVAL;
  const one = (createdAt: number) => [pending('a@x.cn', 'u1', createdAt)];

  // lastSent and createdAt relative to T0; the answer relative to T0 as well.
  it.each<[string, number | null, number, number]>([
    ['never mailed: the group wait alone', null, 0, WAIT],
    ['mailed long ago: the group wait alone', -2 * INTERVAL, 0, WAIT],
    ['mailed 10 min before: waits out the interval since that mail', -10 * 60_000, 0, INTERVAL - 10 * 60_000],
    ['mailed just now: a full interval from that mail', 0, 0, INTERVAL],
    ['the interval ended before the group wait: the group wait', -INTERVAL + 1000, 0, WAIT],
    ['a last mail stamped after now (the clock set back) is not held against anyone', 5 * INTERVAL, 0, WAIT],
  ])('%s', (_name, lastSent, createdAt, expected) => {
    expect(readyAt(one(T0 + createdAt), T0, wait, lastSent === null ? null : T0 + lastSent, every)).toBe(T0 + expected);
  });

  it('the shortest interval of the waiting notifications’ routes counts', () => {
    const list = [pending('a@x.cn', 'u1', T0), pending('a@x.cn', 'u2', T0)];
    const intervalOf = (n: NotificationHead) => (n.notice.alertId === 'u2' ? 10 * 60_000 : INTERVAL);
    expect(readyAt(list, T0, wait, T0, intervalOf)).toBe(T0 + 10 * 60_000);
    expect(readyAt(list, T0, wait, T0, () => 0)).toBe(T0 + WAIT);
  });

  it('a flapping hour: what arrives after a mail waits for the interval and goes in one mail', () => {
    // a@ was mailed at T0; changes come at +1, +7, +20 minutes; b@ was never mailed.
    const lastSentAt = (r: string) => (r === 'a@x.cn' ? T0 : null);
    const spacing = { lastSentAt, groupIntervalMs: INTERVAL };
    const list = [
      pending('a@x.cn', 'u1', T0 + 60_000),
      pending('a@x.cn', 'u2', T0 + 7 * 60_000),
      pending('a@x.cn', 'u3', T0 + 20 * 60_000),
      pending('b@x.cn', 'u4', T0 + 60_000),
    ];
    const early = groupNotices(list, T0 + 30 * 60_000, WAIT, undefined, spacing);
    expect(early.digests.map((d) => d.recipient)).toEqual(['b@x.cn']);
    expect(early.pending).toHaveLength(3);
    expect(early.nextFlushAt).toBe(T0 + INTERVAL);
    const due = groupNotices(list.slice(0, 3), T0 + INTERVAL, WAIT, undefined, spacing);
    expect(due.digests).toHaveLength(1);
    expect(due.digests[0].notifications.map((n) => n.notice.alertId)).toEqual(['u1', 'u2', 'u3']);
  });

  it('without spacing (no last mail known, or interval 0) nothing changes', () => {
    const list = one(T0);
    expect(
      groupNotices(list, T0 + WAIT, WAIT, undefined, { lastSentAt: () => T0, groupIntervalMs: 0 }).digests,
    ).toHaveLength(1);
    expect(
      groupNotices(list, T0 + WAIT, WAIT, undefined, { lastSentAt: () => null, groupIntervalMs: INTERVAL }).digests,
    ).toHaveLength(1);
  });
});

describe('recipientSlices', () => {
  const n = (recipient: string, i: number) => pending(recipient, `u${i}`, T0);
  const shape = (slices: ReturnType<typeof n>[][]) =>
    slices.map((s) => s.map((x) => `${x.recipient}:${x.notice.alertId}`));

  it.each([
    ['nothing', [], 2, []],
    ['one recipient, fewer than a slice', [n('a', 1), n('a', 2)], 3, [['a:u1', 'a:u2']]],
    [
      'a recipient is never cut, even when over the size',
      [n('a', 1), n('a', 2), n('a', 3)],
      2,
      [['a:u1', 'a:u2', 'a:u3']],
    ],
    [
      'whole recipients, in order of first appearance',
      [n('b', 1), n('a', 2), n('b', 3), n('c', 4), n('a', 5)],
      3,
      [['b:u1', 'b:u3', 'a:u2', 'a:u5'], ['c:u4']],
    ],
    ['each recipient its own slice at size 1', [n('a', 1), n('b', 2)], 1, [['a:u1'], ['b:u2']]],
  ])('%s', (_, list, size, expected) => {
    const slices = recipientSlices(list, size);
    expect(shape(slices)).toEqual(expected);
    expect(slices.flat()).toHaveLength(list.length);
  });
});
