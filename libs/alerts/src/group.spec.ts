import { digestId } from './dedup';
import { evaluation, T0, alertUnit } from '../test/fixtures';
import { groupNotices } from './group';
import { transition } from './state-machine';
import type { Notification } from './types';

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
