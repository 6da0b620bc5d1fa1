import { evaluation, T0, alertUnit } from '../test/fixtures';
import { normaliseAddress, ownersResolver, route } from './route';
import { transition } from './state-machine';
import type { Notice } from './types';

describe('ownersResolver', () => {
  const resolve = ownersResolver({
    indicators: { 'p1.i1': ['ind@x.cn'], 'p1.i2': [] },
    projects: { p1: ['proj@x.cn', 'boss@x.cn'], p2: [] },
    fallback: 'ops@x.cn',
  });
  it.each<[string, string, string, string[]]>([
    ['indicator override wins', 'p1', 'p1.i1', ['ind@x.cn']],
    ['empty override falls to the project', 'p1', 'p1.i2', ['proj@x.cn', 'boss@x.cn']],
    ['no override: project owners', 'p1', 'p1.i9', ['proj@x.cn', 'boss@x.cn']],
    ['empty project: fallback', 'p2', 'p2.i1', ['ops@x.cn']],
    ['unknown project: fallback', 'p3', 'p3.i1', ['ops@x.cn']],
  ])('%s', (_, project, indicator, want) => {
    expect(resolve(project, indicator)).toEqual(want);
  });
});

describe('normaliseAddress', () => {
  it.each<[string, string | null]>([
    ['zhang@x.cn', 'zhang@x.cn'],
    ['  Zhang.San@X.CN ', 'zhang.san@x.cn'],
    ['张三 <zhang@x.cn>', 'zhang@x.cn'],
    ['ops@localhost', 'ops@localhost'],
    ['user@市场监管.中国', 'user@市场监管.中国'],
    ['zhang@x.cn\r\nBcc: evil@y.cn', null],
    ['zhang@x.cn\nBcc: evil@y.cn', null],
    ['张三\r\n <zhang@x.cn>', null],
    ['a@x.cn, b@x.cn', null],
    ['not an address', null],
    ['@x.cn', null],
    ['a@', null],
    ['', null],
  ])('%p → %p', (raw, want) => {
    expect(normaliseAddress(raw)).toBe(want);
  });
});

describe('route', () => {
  const opened = (id: string, projectId = 'p1'): Notice =>
    transition(null, evaluation('at_risk', { unit: alertUnit({ id, indicatorId: id, projectId }) }), T0).notices[0];

  it('fans a notice out to each valid owner, once per address', () => {
    const resolve = () => ['A@x.cn', 'a@x.cn', 'b@x.cn', 'bad\r\nBcc: c@y.cn'];
    const r = route([opened('p1.i1')], resolve, T0);
    expect(r.notifications.map((n) => n.recipient)).toEqual(['a@x.cn', 'b@x.cn']);
    expect(r.invalidAddresses).toEqual(['bad\r\nBcc: c@y.cn']);
    expect(r.unroutable).toEqual([]);
    expect(new Set(r.notifications.map((n) => n.key)).size).toBe(2);
    expect(r.notifications[0].createdAt).toBe(new Date(T0).toISOString());
  });

  it('asks the resolver with the project and the indicator of the unit (the parent for a part)', () => {
    const asked: string[][] = [];
    const part = transition(
      null,
      evaluation('at_risk', {
        unit: alertUnit({ id: 'p1.i1~县道', indicatorId: 'p1.i1', projectId: 'p1', partLabel: '县道' }),
      }),
      T0,
    ).notices[0];
    route([part], (p, i) => (asked.push([p, i]), ['a@x.cn']), T0);
    expect(asked).toEqual([['p1', 'p1.i1']]);
  });

  it('reports a notice nobody valid can receive', () => {
    const n = opened('p1.i1');
    const r = route([n], () => ['nobody'], T0);
    expect(r.notifications).toEqual([]);
    expect(r.unroutable).toEqual([n]);
  });
});
