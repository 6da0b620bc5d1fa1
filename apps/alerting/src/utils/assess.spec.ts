import type { Progress, TrackedUnit } from '@iw/measures';
import type { EvaluationDoc } from '@iw/mongo';
import { monthlyPace, riskConfig, type Pace } from '@iw/risk';
import { alertUnitOf, assess, catalogueInfo, infoKeyOf, needsWrite, type AssessContext } from './assess';
import { parseTargetTable } from '@iw/targets';

const HOUR = 3_600_000;
const JUNE_15 = Date.parse('2019-06-15T12:00:00+08:00');
const YEAR = { from: '2019-01-01', to: '2019-12-31' };

const unit = (overrides: Partial<TrackedUnit> = {}): TrackedUnit => ({
  id: '2019.抽检.汽油抽检批次',
  kind: 'indicator',
  projectId: '2019.抽检',
  projectName: '抽检',
  indicatorId: '2019.抽检.汽油抽检批次',
  name: '汽油抽检批次',
  target: { kind: 'numeric', op: '>=', value: 700, unit: '批次' },
  period: YEAR,
  measure: 'sum',
  scale: 1,
  ...overrides,
});

const progress = (actual: number, version = 3): Progress => ({
  id: '2019.抽检.汽油抽检批次',
  measure: 'sum',
  actual,
  eventCount: 10,
  firstEventAt: '2019-02-01T10:00:00+08:00',
  lastEventAt: '2019-06-01T10:00:00+08:00',
  history: [],
  period: YEAR,
  version,
});

const ctx = (pendingForMs: number, now = JUNE_15): AssessContext => ({
  now,
  timeZone: 'Asia/Shanghai',
  pendingForMs,
  risk: riskConfig(),
});

function previous(
  status: EvaluationDoc['status'],
  since: number,
  pending?: { status: EvaluationDoc['status']; since: number },
): EvaluationDoc {
  const a = assess(unit(), progress(status === 'on_track' ? 400 : 100), null, ctx(0, since));
  return {
    ...a.doc,
    status,
    since: new Date(since),
    pending: pending
      ? { status: pending.status, since: new Date(pending.since), dueAt: new Date(pending.since + HOUR) }
      : null,
    rev: 7,
  };
}

describe('assess', () => {
  // 100 of 700 batches by mid-June is far behind a linear pace (≈318): at_risk; 400 is ahead.
  it.each([
    ['first evaluation counts at once', null, 100, 3_600_000, 'at_risk', null, true],
    [
      'a new status waits out IW_PENDING_FOR',
      previous('on_track', JUNE_15 - 10 * HOUR),
      100,
      HOUR,
      'on_track',
      'at_risk',
      false,
    ],
    [
      'a pending status that held long enough counts',
      previous('on_track', JUNE_15 - 10 * HOUR, { status: 'at_risk', since: JUNE_15 - 2 * HOUR }),
      100,
      HOUR,
      'at_risk',
      null,
      true,
    ],
    [
      'a pending status that has not held long enough still waits',
      previous('on_track', JUNE_15 - 10 * HOUR, { status: 'at_risk', since: JUNE_15 - HOUR / 2 }),
      100,
      HOUR,
      'on_track',
      'at_risk',
      false,
    ],
    [
      'a status back to the settled one clears the pending one',
      previous('on_track', JUNE_15 - 10 * HOUR, { status: 'at_risk', since: JUNE_15 - HOUR / 2 }),
      400,
      HOUR,
      'on_track',
      null,
      true,
    ],
    ['IW_PENDING_FOR=0 changes at once', previous('on_track', JUNE_15 - 10 * HOUR), 100, 0, 'at_risk', null, true],
  ] as const)('%s', (_name, prev, actual, pendingFor, status, pending, alerted) => {
    const a = assess(unit(), progress(actual), prev, ctx(pendingFor), { level2: '数量指标', value: '≥ 700 批次' });
    expect(a.doc.status).toBe(status);
    expect(a.doc.pending?.status ?? null).toBe(pending);
    expect(a.doc.rev).toBe(prev ? prev.rev + 1 : 1);
    expect(a.doc.evaluatedStatus).toBe(actual === 100 ? 'at_risk' : 'on_track');
    expect(a.forAlert !== null).toBe(alerted);
    if (a.forAlert) expect(a.forAlert.status).toBe(status);
    if (a.doc.pending) expect(a.doc.pending.dueAt.getTime()).toBe(a.doc.pending.since.getTime() + pendingFor);
  });

  it('keeps what the status app shows: settled status, likelihood, figures, time', () => {
    const a = assess(unit(), progress(100, 9), null, ctx(0), { level2: '数量指标', value: '≥ 700 批次' });
    expect(a.doc).toMatchObject({
      _id: '2019.抽检.汽油抽检批次',
      kind: 'indicator',
      projectId: '2019.抽检',
      indicatorId: '2019.抽检.汽油抽检批次',
      status: 'at_risk',
      likelihood: '有可能',
      actual: 100,
      deadline: '2019-12-31',
      progressVersion: 9,
      evaluatedAt: new Date(JUNE_15),
      pending: null,
    });
    expect(a.doc.expected).toBeGreaterThan(300);
    expect(a.doc.expected).toBeLessThan(330);
    expect(a.forAlert).toMatchObject({
      status: 'at_risk',
      likelihood: '有可能',
      actual: 100,
      unit: { targetText: '≥ 700 批次', unit: '批次' },
    });
  });

  it('judges a bare number under 成本指标 as a ceiling (level2 from the catalogue)', () => {
    const cost = unit({ target: { kind: 'numeric', op: '=', value: 70, unit: '万元' }, measure: 'sum' });
    const spent = { ...progress(90), actual: 90 };
    expect(assess(cost, spent, null, ctx(0), { level2: '成本指标', value: '70万元' }).doc.status).toBe('off_track');
    expect(assess(cost, spent, null, ctx(0), { level2: '数量指标', value: '70万元' }).doc.status).not.toBe('off_track');
  });

  it('judges with the assigned pace, and a year-on-year target with its base', () => {
    // 15 June: linear expects ~318 of 700; a front-loaded pace (70 % by the end of May) far more.
    const info = { level2: '数量指标', value: '≥700批次' };
    expect(assess(unit(), progress(330), null, ctx(0), info).doc.status).toBe('on_track');
    const seasonal = { ...info, pace: monthlyPace([0.1, 0.2, 0.3, 0.5, 0.7, 0.8]) };
    expect(assess(unit(), progress(330), null, ctx(0), seasonal).doc.status).toBe('at_risk');

    const yoy = unit({ target: { kind: 'relative', op: '>=', change: 10, unit: '%', base: 'previous_year' } });
    const none = assess(yoy, progress(330), null, ctx(0), info);
    expect(none.doc).toMatchObject({ status: 'no_data', reason: '缺少上年基数' });
    const based = assess(yoy, progress(330), null, ctx(0), info, { value: 500, source: 'previous_year', year: 2018 });
    expect(based.doc.reason).toMatch(/^上年基数500（2018年实际），较上年增长10%，即≥550：/);
  });

  it('tells the alert path which recurring periods were missed', () => {
    const monthly = unit({ target: { kind: 'recurring', every: 'month', count: null, op: null, dueDay: 10 } });
    const a = assess(monthly, { ...progress(0), actual: null, eventCount: 0 }, null, ctx(0));
    expect(a.forAlert?.missedPeriods?.map((m) => m.key)).toEqual([
      '2019-01',
      '2019-02',
      '2019-03',
      '2019-04',
      '2019-05',
      '2019-06',
    ]);
    expect(a.forAlert?.missedPeriods?.[5]).toEqual({ key: '2019-06', label: '2019年6月', due: '2019-06-10' });
    const none = assess(unit(), progress(330), null, ctx(0));
    expect(none.forAlert && 'missedPeriods' in none.forAlert).toBe(false);
  });

  it('refuses a compound indicator (its parts are the tracked units)', () => {
    const compound = unit({
      target: { kind: 'compound', parts: [{ kind: 'numeric', op: '=', value: 25, unit: '期' }] },
    });
    expect(() => assess(compound, null, null, ctx(0))).toThrow(/parts/);
  });
});

describe('alertUnitOf', () => {
  it.each([
    [
      'indicator: the cell as written',
      unit(),
      { level2: '数量指标', value: '≥ 700 批次' },
      { indicatorId: '2019.抽检.汽油抽检批次', targetText: '≥ 700 批次', unit: '批次' },
    ],
    [
      'part: its own target and label',
      unit({
        id: '2019.抽检.会议~期',
        kind: 'part',
        indicatorId: '2019.抽检.会议',
        name: '会议',
        part: '期',
        target: { kind: 'numeric', op: '=', value: 25, unit: '期', label: '期' },
      }),
      { level2: '数量指标', value: '25期、133天' },
      { id: '2019.抽检.会议~期', indicatorId: '2019.抽检.会议', partLabel: '期', targetText: '25期' },
    ],
    [
      'budget track: its own id stands for the indicator',
      unit({
        id: '2019.抽检#budget',
        kind: 'budget',
        indicatorId: null,
        name: '预算执行率',
        target: { kind: 'numeric', op: '>=', value: 100, unit: '%' },
      }),
      undefined,
      { id: '2019.抽检#budget', indicatorId: '2019.抽检#budget', targetText: '≥100%', unit: '%' },
    ],
  ] as const)('%s', (_name, u, info, expected) => {
    expect(alertUnitOf(u, info)).toMatchObject(expected);
  });

  it.each<[string, TrackedUnit, Pace | undefined, string | undefined]>([
    ['a cumulative quantity: linear by default', unit(), undefined, '序时进度'],
    ['a cumulative quantity: the assigned pace', unit(), monthlyPace([0.5, 1], '季节性'), '按月进度「季节性」'],
    ['a budget track: 序时进度', unit({ id: 'p#budget', kind: 'budget', indicatorId: null }), undefined, '序时进度'],
    ['a rate: no pace', unit({ measure: 'ratio' }), monthlyPace([0.5, 1], '季节性'), undefined],
    [
      'a deadline: no pace',
      unit({ target: { kind: 'deadline', by: '2019-10-31' }, measure: 'milestone' }),
      undefined,
      undefined,
    ],
  ])('names the pace of %s', (_, u, pace, label) => {
    expect(alertUnitOf(u, { level2: '数量指标', value: '', ...(pace ? { pace } : {}) }).pace).toBe(label);
  });

  it('has no undefined fields (alerts compare units by their JSON)', () => {
    const u = alertUnitOf(unit());
    expect(Object.values(u).every((v) => v !== undefined)).toBe(true);
    expect('partLabel' in u).toBe(false);
  });
});

describe('assess as of the event time', () => {
  const DAY = 24 * HOUR;
  // 400 of 700 batches by 15 June is on pace (about 320 expected); the same 400 judged on
  // 15 October, ingest stopped since, would look behind.
  it.each<[string, number | undefined, number, string, string]>([
    ['sources current: as of now', undefined, JUNE_15, 'on_track', '2019-06-15T04:00:00.000Z'],
    ['a lagging source: as of its watermark', JUNE_15, JUNE_15 + 120 * DAY, 'on_track', '2019-06-15T04:00:00.000Z'],
    ['caught up again: as of now', JUNE_15 + 120 * DAY, JUNE_15 + 120 * DAY, 'at_risk', '2019-10-13T04:00:00.000Z'],
    ['a watermark after now counts as now', JUNE_15 + DAY, JUNE_15, 'on_track', '2019-06-15T04:00:00.000Z'],
  ])('%s', (_name, asOf, now, status, asOfIso) => {
    const a = assess(unit(), progress(400), null, { ...ctx(0, now), ...(asOf !== undefined ? { asOf } : {}) });
    expect(a.evaluation.status).toBe(status);
    expect(a.doc.asOf?.toISOString()).toBe(asOfIso);
    // The evaluation was made at the clock's now, whatever it is judged as of.
    expect(a.doc.evaluatedAt.getTime()).toBe(now);
    expect(a.doc.since.getTime()).toBe(now);
  });

  it('is never judged before the latest event its progress counts (ingest catching up)', () => {
    // The watermark says 20 May, but the progress already counts an event of 10 June: judged
    // as of 20 May, 400 batches would be set against too short a stretch of the year.
    const p = { ...progress(400), lastEventAt: '2019-06-10T09:00:00+08:00' };
    const a = assess(unit(), p, null, { ...ctx(0), asOf: JUNE_15 - 26 * DAY });
    expect(a.doc.asOf?.toISOString()).toBe('2019-06-10T01:00:00.000Z');
    const older = assess(unit(), progress(400), null, { ...ctx(0), asOf: JUNE_15 - 2 * DAY });
    expect(older.doc.asOf?.toISOString()).toBe('2019-06-13T04:00:00.000Z');
  });

  it('is not written again when only the day it is judged as of moved', () => {
    const stored = { ...assess(unit(), progress(300), null, { ...ctx(0), asOf: JUNE_15 - 2 * DAY }).doc, rev: 1 };
    const caughtUp = assess(unit(), progress(300), stored, { ...ctx(0, JUNE_15 + HOUR), asOf: JUNE_15 - DAY }).doc;
    expect(caughtUp.asOf).not.toEqual(stored.asOf);
    expect(caughtUp.status).toBe(stored.status);
    expect(needsWrite(caughtUp, stored)).toBe(false);
  });
});

describe('needsWrite', () => {
  const DAY = 24 * HOUR;
  const PENDING = { status: 'at_risk' as const, since: new Date(JUNE_15), dueAt: new Date(JUNE_15 + HOUR) };
  const stored = (): EvaluationDoc => ({ ...assess(unit(), progress(300), null, ctx(0)).doc, rev: 4 });
  const again = (now: number, actual = 300) => assess(unit(), progress(actual), stored(), ctx(0, now)).doc;

  it('writes the first evaluation of a unit', () => {
    expect(needsWrite(again(JUNE_15), null)).toBe(true);
  });

  it('skips the same verdict later the same local day (the pace figures drift, nothing it says moved)', () => {
    const next = again(JUNE_15 + HOUR);
    expect(next.rev).toBe(5);
    expect(next.evaluatedAt.getTime()).not.toBe(stored().evaluatedAt.getTime());
    expect(next.expected).not.toBe(stored().expected);
    expect(needsWrite(next, stored())).toBe(false);
    expect(needsWrite(again(JUNE_15), stored())).toBe(false);
  });

  it('writes when a figure moved, or when a field is missing from the stored document', () => {
    expect(needsWrite(again(JUNE_15 + HOUR, 301), stored())).toBe(true);
    expect(needsWrite(again(JUNE_15 + HOUR, 50), stored())).toBe(true);
    expect(needsWrite({ ...again(JUNE_15 + HOUR), progressVersion: 4 }, stored())).toBe(true);
    const { deadline: _dropped, ...older } = stored();
    expect(needsWrite(again(JUNE_15 + HOUR), older as EvaluationDoc)).toBe(true);
    expect(needsWrite(again(JUNE_15 + HOUR), { ...stored(), pending: { ...PENDING } })).toBe(true);
  });

  it('does not write on a new day for the figures that follow the clock, and does when the standing moves', () => {
    // A week later nothing happened: 按进度应完成, days left and the reason moved, the verdict did not.
    const week = again(JUNE_15 + 7 * DAY);
    expect(week.daysLeft).toBe(stored().daysLeft! - 7);
    expect(week.expected).not.toBe(stored().expected);
    expect(week.status).toBe(stored().status);
    expect(needsWrite(week, stored())).toBe(false);
    // Months later the pace has left the same 300 behind: the status moved, so it is written.
    const later = again(JUNE_15 + 120 * DAY);
    expect(later.status).not.toBe(stored().status);
    expect(needsWrite(later, stored())).toBe(true);
  });
});

describe('catalogueInfo', () => {
  const T = '\t';
  const table = [
    '项目支出绩效目标表',
    `预算单位${T}某市场监督管理局${T}${T}项目名称${T}抽检`,
    `项目资金(万元)${T}年度资金总额: 90${T}其中:财政拨款 90${T}其他资金 0`,
    `项目总体目标${T}测试`,
    `一级指标${T}二级指标${T}三级指标${T}指标值`,
    `项目完成指标${T}数量指标${T}汽油抽检批次${T}≥700批次`,
    `项目完成指标${T}数量指标${T}柴油抽检批次${T}≥300批次`,
    `项目完成指标${T}数量指标${T}培训次数${T}每季度不少于2次`,
  ].join('\n');
  const catalogue = parseTargetTable(table, { fiscalYear: 2019 });
  const [project] = catalogue.projects;
  const seasonal = monthlyPace([0.5, 1], '季节性');
  const info = catalogueInfo(catalogue, () => seasonal);

  it.each<[string, Partial<TrackedUnit>, object]>([
    [
      'an indicator: 二级指标, 指标值, agency, pace',
      { id: project.indicators[0].id, indicatorId: project.indicators[0].id },
      { level2: '数量指标', agency: '某市场监督管理局', pace: seasonal },
    ],
    [
      'a part: its indicator’s',
      { id: `${project.indicators[0].id}~a`, indicatorId: project.indicators[0].id },
      { level2: '数量指标', agency: '某市场监督管理局' },
    ],
    [
      'a budget track: the agency (policy routes, office people), no pace',
      { id: `${project.id}#budget`, indicatorId: null },
      { agency: '某市场监督管理局' },
    ],
  ])('%s', (_name, u, expected) => {
    const got = info.get(infoKeyOf(u as TrackedUnit));
    expect(got).toMatchObject(expected);
    if (u.indicatorId === null) expect(got?.pace).toBeUndefined();
  });

  it.each<[string, number, string]>([
    ['written as describeTarget writes it: the text is the same, the 指标值 not kept', 0, '≥700批次'],
    ['written otherwise: its 指标值 kept, and the text', 2, '每季度不少于2次'],
  ])('an indicator’s target %s', (_name, index, text) => {
    const indicator = project.indicators[index];
    const u = unit({ id: indicator.id, indicatorId: indicator.id, target: indicator.target });
    const got = info.get(infoKeyOf(u))!;
    expect(got.value).toBe(index === 0 ? undefined : text);
    expect(alertUnitOf(u, got).targetText).toBe(text);
  });

  it('indicators of one agency, 二级指标 and pace share one info (without a 指标值 of their own)', () => {
    const [a, b, c] = project.indicators.map((i) => info.get(i.id));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('a budget track’s alert unit carries the agency, and 序时进度', () => {
    const budget = unit({
      id: `${project.id}#budget`,
      kind: 'budget',
      indicatorId: null,
      name: '预算执行率',
      target: { kind: 'numeric', op: '>=', value: 100, unit: '%' },
    });
    expect(alertUnitOf(budget, info.get(infoKeyOf(budget)))).toMatchObject({
      agency: '某市场监督管理局',
      pace: '序时进度',
    });
  });
});
