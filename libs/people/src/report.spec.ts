import { measurementSchema } from '@iw/events';
import { buildReport, reportForms, type ReportInput, type ReportUnit } from './report';

const TZ = 'Asia/Shanghai';
const NOW = Date.parse('2019-07-01T10:00:00+08:00');
const ctx = { eventId: 'report-1', source: 'owner@x.cn', now: NOW, timeZone: TZ };
const YEAR = { from: '2019-01-01', to: '2019-12-31' };

const unit = (o: Partial<ReportUnit>): ReportUnit => ({
  id: '2019.p.i',
  name: '指标',
  measure: 'sum',
  bound: false,
  unit: '次',
  scale: 1,
  period: YEAR,
  actual: 10,
  survey: false,
  ...o,
});

describe('reportForms', () => {
  it.each<[Partial<ReportUnit>, string[]]>([
    [{ measure: 'sum' }, ['cumulative', 'increment']],
    [{ measure: 'sum', scale: 100 }, ['increment']],
    [{ measure: 'sum', bound: true }, []],
    [{ measure: 'latest', unit: '%' }, ['set']],
    [{ measure: 'latest', unit: '%', survey: true }, ['set', 'survey']],
    [{ measure: 'latest', unit: '分', survey: true }, ['set']],
    [{ measure: 'max' }, ['set']],
    [{ measure: 'milestone' }, ['milestone']],
    [{ measure: 'assessment' }, ['assessment']],
    [{ measure: 'ratio' }, []],
    [{ measure: 'distinct' }, []],
  ])('%o → %p', (u, forms) => expect(reportForms(unit(u))).toEqual(forms));
});

describe('buildReport', () => {
  type Ok = [string, Partial<ReportUnit>, ReportInput, Record<string, unknown>];
  const ok: Ok[] = [
    [
      'a new cumulative value → the increment',
      {},
      { form: 'cumulative', value: '25' },
      { kind: 'increment', value: 15 },
    ],
    [
      'a cumulative value with no progress yet',
      { actual: null },
      { form: 'cumulative', value: '3' },
      { kind: 'increment', value: 3 },
    ],
    [
      'an increment, full-width and with separators',
      {},
      { form: 'increment', value: '１,２００' },
      { kind: 'increment', value: 1200 },
    ],
    ['a reading', { measure: 'latest', unit: '%' }, { form: 'set', value: '96.5' }, { kind: 'set', value: 96.5 }],
    [
      'survey counts → a percentage with its counts',
      { measure: 'latest', unit: '%', survey: true },
      { form: 'survey', satisfied: '361', total: '420' },
      { kind: 'set', value: 85.95, numerator: 361, denominator: 420 },
    ],
    [
      'a milestone done today',
      { measure: 'milestone' },
      { form: 'milestone', date: '2019-07-01' },
      { kind: 'milestone', done: true, occurredAt: '2019-07-01T10:00:00+08:00' },
    ],
    [
      'a milestone done earlier: noon of that day',
      { measure: 'milestone' },
      { form: 'milestone', date: '2019-06-20' },
      { kind: 'milestone', done: true, occurredAt: '2019-06-20T12:00:00+08:00' },
    ],
    [
      'a milestone reported after its deadline, done before it',
      { measure: 'milestone', period: { from: '2019-01-01', to: '2019-06-30' } },
      { form: 'milestone', date: '2019-06-30' },
      { kind: 'milestone', done: true, occurredAt: '2019-06-30T12:00:00+08:00' },
    ],
    [
      'an assessment with its note',
      { measure: 'assessment' },
      { form: 'assessment', likelihood: '有可能', text: ' 宣传覆盖面不足 ', note: '下季度加强' },
      { kind: 'assessment', likelihood: '有可能', text: '宣传覆盖面不足', note: '下季度加强' },
    ],
  ];
  it.each(ok)('%s', (_, u, input, want) => {
    const r = buildReport(unit(u), input, ctx);
    if (!r.ok) throw new Error(r.error);
    expect(r.event).toMatchObject({
      eventId: 'report-1',
      source: 'owner@x.cn',
      schemaVersion: 1,
      indicatorId: '2019.p.i',
      occurredAt: '2019-07-01T10:00:00+08:00',
      ...want,
    });
    // What ingest will accept: the contract's own schema.
    expect(measurementSchema.safeParse(r.event).success).toBe(true);
    expect(r.summary.length).toBeGreaterThan(0);
  });

  type Bad = [string, Partial<ReportUnit>, ReportInput, RegExp];
  const bad: Bad[] = [
    ['a bound unit', { bound: true }, { form: 'increment', value: '1' }, /由上游系统自动采集/],
    [
      'a form the unit does not take',
      {},
      { form: 'assessment', likelihood: '确定能', text: 'x' },
      /只能按以下方式填报：累计完成值、本次新增/,
    ],
    ['an unknown form', {}, { form: 'delete', value: '1' }, /只能按以下方式填报/],
    ['a cumulative value below the actual', {}, { form: 'cumulative', value: '9' }, /累计值只能增加/],
    ['a cumulative value equal to the actual', {}, { form: 'cumulative', value: '10' }, /无需填报/],
    ['a zero increment', {}, { form: 'increment', value: '0' }, /必须大于 0/],
    ['a negative increment', {}, { form: 'increment', value: '-3' }, /必须大于 0/],
    ['not a number', {}, { form: 'increment', value: '十' }, /请填写一个数字/],
    ['an exponent', {}, { form: 'increment', value: '1e9' }, /请填写一个数字/],
    ['a missing value', {}, { form: 'increment' }, /请填写一个数字/],
    [
      'a survey with more satisfied than asked',
      { measure: 'latest', unit: '%', survey: true },
      { form: 'survey', satisfied: '5', total: '4' },
      /满意人数须在/,
    ],
    [
      'a survey of nobody',
      { measure: 'latest', unit: '%', survey: true },
      { form: 'survey', satisfied: '0', total: '0' },
      /调查总数必须大于 0/,
    ],
    [
      'a survey with fractions',
      { measure: 'latest', unit: '%', survey: true },
      { form: 'survey', satisfied: '1.5', total: '4' },
      /须为整数/,
    ],
    ['a milestone in the future', { measure: 'milestone' }, { form: 'milestone', date: '2019-07-02' }, /晚于今天/],
    [
      'a milestone before its period',
      { measure: 'milestone', period: { from: '2019-03-01', to: '2019-12-31' } },
      { form: 'milestone', date: '2019-02-01' },
      /不在监控期/,
    ],
    [
      'a milestone date that is no date',
      { measure: 'milestone' },
      { form: 'milestone', date: '2019-13-45' },
      /请填写完成日期/,
    ],
    [
      'an assessment without a likelihood',
      { measure: 'assessment' },
      { form: 'assessment', text: 'x' },
      /请选择完成目标可能性/,
    ],
    [
      'an assessment with another word',
      { measure: 'assessment' },
      { form: 'assessment', likelihood: '完全不可能', text: 'x' },
      /请选择完成目标可能性/,
    ],
    [
      'an assessment without a text',
      { measure: 'assessment' },
      { form: 'assessment', likelihood: '确定能', text: '  ' },
      /请填写评估说明/,
    ],
    ['a long note', {}, { form: 'increment', value: '1', note: '长'.repeat(2001) }, /备注不能超过 2000 字/],
    [
      'a report outside the period',
      { period: { from: '2019-01-01', to: '2019-06-30' } },
      { form: 'increment', value: '1' },
      /不在「指标」的监控期/,
    ],
  ];
  it.each(bad)('refuses %s', (_, u, input, message) => {
    const r = buildReport(unit(u), input, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});
