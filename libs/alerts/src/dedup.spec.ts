import { dedupe, digestId, mailDomain, messageId, notificationKey, threadKeysFor } from './dedup';
import { MAX_ALERT_HISTORY } from './state-machine';
import type { Notice, Notification } from './types';

const notice = (kind: Notice['kind'], version: number, alertId = '2019.项目.指标') => ({ kind, version, alertId });

describe('notificationKey', () => {
  const base = notificationKey('a@x.cn', notice('opened', 1));
  it('is deterministic', () => expect(notificationKey('a@x.cn', notice('opened', 1))).toBe(base));
  it.each<[string, string]>([
    ['another recipient', notificationKey('b@x.cn', notice('opened', 1))],
    ['another kind', notificationKey('a@x.cn', notice('escalated', 1))],
    ['another version', notificationKey('a@x.cn', notice('opened', 2))],
    ['another alert', notificationKey('a@x.cn', notice('opened', 1, '2019.项目.其他'))],
  ])('differs for %s', (_, other) => expect(other).not.toBe(base));
});

describe('threadKeysFor', () => {
  const h = (change: string, version: number) => ({ change, version }) as { change: 'opened'; version: number };
  const opened = (version: number) => notificationKey('a@x.cn', notice('opened', version));
  it.each<[string, Array<ReturnType<typeof h>> | undefined, number, string[], boolean]>([
    ['the episode it follows up', [h('opened', 1), h('escalated', 2), h('resolved', 3)], 3, [opened(1)], true],
    [
      'every earlier opening, newest first',
      [h('opened', 1), h('resolved', 2), h('opened', 3), h('repeat', 4)],
      4,
      [opened(3), opened(1)],
      true,
    ],
    ['no opening after the notice', [h('opened', 1), h('resolved', 2), h('opened', 3)], 2, [opened(1)], true],
    ['none for a unit missed before it ever opened', [h('no_data', 1), h('missed', 2)], 2, [], true],
    ['none without a stored alert', undefined, 1, [], true],
    [
      'an older opening may lie beyond a trimmed history',
      Array.from({ length: MAX_ALERT_HISTORY }, (_, i) => h('repeat', i + 10)),
      300,
      [],
      false,
    ],
  ])('%s', (_, history, version, keys, complete) => {
    expect(threadKeysFor('a@x.cn', { alertId: '2019.项目.指标', version }, history)).toEqual({ keys, complete });
  });
});

describe('dedupe', () => {
  const n = (key: string) => ({ key }) as Notification;
  it.each<[string, string[], string[], string[]]>([
    ['keeps distinct keys', ['a', 'b'], [], ['a', 'b']],
    ['drops a repeat within the batch', ['a', 'b', 'a'], [], ['a', 'b']],
    ['drops keys already known', ['a', 'b', 'c'], ['b'], ['a', 'c']],
  ])('%s', (_, keys, known, fresh) => {
    const r = dedupe(keys.map(n), (k) => known.includes(k));
    expect(r.fresh.map((x) => x.key)).toEqual(fresh);
    expect(r.duplicates).toHaveLength(keys.length - fresh.length);
  });
});

describe('digestId and messageId', () => {
  const id = digestId('a@x.cn', ['k1', 'k2']);
  it('does not depend on the order of the keys', () => expect(digestId('a@x.cn', ['k2', 'k1'])).toBe(id));
  it.each<[string, string]>([
    ['another recipient', digestId('b@x.cn', ['k1', 'k2'])],
    ['another set', digestId('a@x.cn', ['k1'])],
    ['keys that only concatenate the same', digestId('a@x.cn', ['k1k2'])],
  ])('differs for %s', (_, other) => expect(other).not.toBe(id));

  it('makes an ASCII msg-id from the digest id', () => {
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(messageId(id, 'x.cn')).toBe(`<iw.${id}@x.cn>`);
    expect(messageId(id, 'x.cn>\r\nBcc: y')).toBe(`<iw.${id}@x.cnBccy>`);
  });

  it.each<[string, string]>([
    ['Indicator Watch <noreply@localhost>', 'localhost'],
    ['ops@Market.GOV.cn', 'market.gov.cn'],
    ['no address', 'localhost'],
  ])('mailDomain(%p) = %p', (from, domain) => expect(mailDomain(from)).toBe(domain));
});
