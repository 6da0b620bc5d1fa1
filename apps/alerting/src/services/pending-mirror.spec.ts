import { TextPool } from './pending-mirror';

/** The mirror's text pool changes no value: only which copy of a text a document points at. */
describe('TextPool', () => {
  const doc = (key: string) => ({
    _id: key,
    recipient: 'a@example.gov.cn',
    enqueuedAt: new Date('2019-08-15T04:00:34.204Z'),
    attempts: 0,
    digestId: null,
    notice: {
      kind: 'opened',
      alertId: '2019.甲局.项目.指标',
      unit: { id: '2019.甲局.项目.指标', projectName: '项目', agency: '甲局' },
      evaluation: { status: 'off_track', reason: '进度落后', expected: 12.5, forecast: null },
      tags: ['甲', '乙'],
    },
  });

  it('keeps every document equal to what it was, dates, arrays and nulls included', () => {
    const pool = new TextPool();
    const a = pool.share(doc('k1'), new Set(['_id']));
    const b = pool.share(doc('k2'), new Set(['_id']));
    expect(a).toEqual(doc('k1'));
    expect(b).toEqual(doc('k2'));
    expect(b.enqueuedAt).toBeInstanceOf(Date);
    expect(b.notice.tags).toEqual(['甲', '乙']);
  });

  it('shares a document in place and returns it', () => {
    const pool = new TextPool();
    const d = doc('k1');
    expect(pool.share(d, new Set(['_id']))).toBe(d);
    pool.clear();
    expect(pool.share(doc('k1'), new Set(['_id']))).toEqual(doc('k1'));
  });

  it('gives one copy of equal small objects, a different one for any field that differs, until cleared', () => {
    const pool = new TextPool();
    const unit = (agency?: string) =>
      agency === undefined
        ? { projectId: '2019.甲局.项目', projectName: '项目' }
        : { projectId: '2019.甲局.项目', projectName: '项目', agency };
    const first = pool.shareObject(unit('甲局'));
    expect(pool.shareObject(unit('甲局'))).toBe(first);
    expect(pool.shareObject(unit('乙局'))).not.toBe(first);
    expect(pool.shareObject(unit('乙局'))).toEqual(unit('乙局'));
    const none = pool.shareObject(unit());
    expect(none).not.toBe(first);
    expect(none).toEqual(unit());
    expect(pool.shareObject({ status: 'at_risk' })).toBe(pool.shareObject({ status: 'at_risk' }));
    expect(pool.shareObject({ status: 'at_risk' })).not.toBe(pool.shareObject({ status: 'off_track' }));
    pool.clear();
    expect(pool.shareObject(unit('甲局'))).not.toBe(first);
  });
});
