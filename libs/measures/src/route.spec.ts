import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ActualsEventByRole, ActualsRole } from '@iw/events';
import { loadBindings } from './bindings';
import { fixtureCatalogue } from '../test/fixtures';
import { route } from './route';

const sample = fs.readFileSync(path.resolve(__dirname, '../../../samples/bindings.yaml'), 'utf8');
const set = loadBindings(sample, fixtureCatalogue(), { timeZone: 'Asia/Shanghai', satisfiedShare: 0.8 });

const env = { eventId: 'e1', occurredAt: '2019-04-12T10:30:00+08:00', source: 'test', schemaVersion: 1 as const };
const LT = '2019.新疆维吾尔自治区市场监督管理局.流通领域商品成品油农资产品网络商品质量抽检监测经费';
const FOOD = '2019.新疆维吾尔自治区市场监督管理局.自治区市场监督管理局食品品监督管理';
const FOOD_OFFICE = '2019.新疆维吾尔自治区市场监督管理局.自治区市场监督管理局食安办工作经费';
const GS = '2019.新疆维吾尔自治区市场监督管理局.工商行政管理业务费';

/** trackedId → input of every contribution, for compact expectations. */
function fed<R extends ActualsRole>(role: R, event: ActualsEventByRole[R]) {
  const r = route(event, role, set);
  if (!r.ok) throw new Error(`rejected: ${r.reason.class} ${r.reason.message}`);
  for (const c of r.contributions) expect(c).toMatchObject({ eventId: event.eventId, occurredAt: event.occurredAt });
  return Object.fromEntries(r.contributions.map((c) => [c.trackedId, c.input]));
}

describe('route: events of each family reach their units', () => {
  it('an inspection batch of 汽油 feeds its count, coverage and cost per batch', () => {
    expect(
      fed('inspectionBatches', {
        ...env,
        category: '汽油',
        batches: 12,
        qualifiedBatches: 11,
        region: '喀什地区',
        costYuan: 33600,
      }),
    ).toEqual({
      [`${LT}.汽油抽检批次`]: { kind: 'add', value: 12 },
      [`${LT}.抽检地州市覆盖率`]: { kind: 'distinct', value: '喀什地区' },
      [`${LT}.汽油和柴油抽检每批次费用`]: { kind: 'ratio', numerator: 33600, denominator: 12 },
    });
  });

  it('a 食品 batch feeds the food project; without qualifiedBatches the 合格率 is left alone', () => {
    const withQ = fed('inspectionBatches', { ...env, category: '食品', batches: 10, qualifiedBatches: 9 });
    expect(withQ[`${FOOD}.食品监督抽验合格率`]).toEqual({ kind: 'ratio', numerator: 9, denominator: 10 });
    expect(Object.keys(withQ)).toHaveLength(4);
    const withoutQ = fed('inspectionBatches', { ...env, category: ' 食品 ', batches: 10 });
    expect(withoutQ[`${FOOD}.食品监督抽验合格率`]).toBeUndefined();
    expect(withoutQ[`${FOOD}.食品监督抽验计划批次`]).toEqual({ kind: 'add', value: 10 });
  });

  it('cases: opened and closed feed 办结率 as a ratio of counts; closed 食品 cases count as 查办', () => {
    expect(fed('cases', { ...env, caseId: 'c1', action: 'opened', category: '食品' })).toEqual({
      [`${GS}.案件办结率`]: { kind: 'ratio', numerator: 0, denominator: 1 },
      [`${GS}.执法办案数`]: { kind: 'add', value: 1 },
    });
    expect(fed('cases', { ...env, caseId: 'c1', action: 'closed', category: '食品' })).toEqual({
      [`${GS}.案件办结率`]: { kind: 'ratio', numerator: 1, denominator: 0 },
      [`${FOOD}.案件查办数量`]: { kind: 'add', value: 1 },
    });
  });

  it('surveys: an aggregate and single answers (satisfied at score/scale ≥ 0.8)', () => {
    expect(fed('surveys', { ...env, surveyKey: '社会公众满意度', respondents: 420, satisfied: 361 })).toEqual({
      [`${GS}.社会公众满意度`]: { kind: 'ratio', numerator: 361, denominator: 420 },
    });
    expect(fed('surveys', { ...env, surveyKey: '受训学员满意度', score: 4, scale: 5 })[`${GS}.受训学员满意度`]).toEqual(
      { kind: 'ratio', numerator: 1, denominator: 1 },
    );
    expect(fed('surveys', { ...env, surveyKey: '受训学员满意度', score: 3, scale: 5 })[`${GS}.受训学员满意度`]).toEqual(
      { kind: 'ratio', numerator: 0, denominator: 1 },
    );
  });

  it('surveys: one public food-safety survey feeds both food projects and the questionnaire count', () => {
    expect(
      fed('surveys', { ...env, surveyKey: '开展食品安全监管公众满意度调查', respondents: 100, satisfied: 75 }),
    ).toEqual({
      [`${FOOD}.开展食品安全监管公众满意度调查`]: { kind: 'ratio', numerator: 75, denominator: 100 },
      [`${FOOD_OFFICE}.在全区14个地州市开展满意度问卷调查`]: { kind: 'add', value: 100 },
      [`${FOOD_OFFICE}.开展食品安全监管公众满意度调查`]: { kind: 'ratio', numerator: 75, denominator: 100 },
    });
  });

  it('surveys: a key two projects share is told apart by projectName', () => {
    expect(
      Object.keys(
        fed('surveys', {
          ...env,
          surveyKey: '干部职工满意度',
          projectName: '市场监管系统服装',
          respondents: 5,
          satisfied: 5,
        }),
      ),
    ).toEqual(['2019.新疆维吾尔自治区市场监督管理局.市场监管系统服装.干部职工满意度']);
    expect(route({ ...env, surveyKey: '干部职工满意度', respondents: 5, satisfied: 5 }, 'surveys', set)).toMatchObject({
      ok: false,
      reason: { class: 'unbound' },
    });
  });

  it('spending feeds the budget execution and the item of its own project only', () => {
    expect(
      fed('spending', {
        ...env,
        projectName: '信息化新建、软硬件维保、电路租用项目',
        amountYuan: 668_000,
        item: '线路租用',
      }),
    ).toEqual({
      '2019.新疆维吾尔自治区市场监督管理局.信息化新建软硬件维保电路租用项目#budget': { kind: 'add', value: 668_000 },
      '2019.新疆维吾尔自治区市场监督管理局.信息化新建软硬件维保电路租用项目.线路租用成本': {
        kind: 'add',
        value: 668_000,
      },
    });
    // the same item name in another project does not leak across
    expect(
      Object.keys(
        fed('spending', {
          ...env,
          projectId: '2019.新疆维吾尔自治区市场监督管理局.营业执照采购项目',
          amountYuan: 10,
          item: '登记机关维护',
        }),
      ).sort(),
    ).toEqual([
      '2019.新疆维吾尔自治区市场监督管理局.营业执照采购项目#budget',
      '2019.新疆维吾尔自治区市场监督管理局.营业执照采购项目.登记机关维护成本',
    ]);
    expect(fed('spending', { ...env, projectName: '知识产权专项业务费', amountYuan: 5 })).toEqual({
      '2019.新疆维吾尔自治区市场监督管理局.知识产权专项业务费#budget': { kind: 'add', value: 5 },
      '2019.新疆维吾尔自治区市场监督管理局.知识产权专项业务费.预算执行率': { kind: 'add', value: 5 },
    });
  });

  it('measurements reach any unit by id, bound or not', () => {
    const base = { ...env, indicatorId: `${LT}.按计划完成抽检任务` };
    expect(fed('measurements', { ...base, kind: 'milestone', done: true })).toEqual({
      [`${LT}.按计划完成抽检任务`]: { kind: 'milestone', done: true },
    });
    expect(
      fed('measurements', { ...env, indicatorId: `${GS}.会议培训的次数人数天数~期`, kind: 'increment', value: 2 }),
    ).toEqual({ [`${GS}.会议培训的次数人数天数~期`]: { kind: 'add', value: 2 } });
    expect(
      fed('measurements', {
        ...env,
        indicatorId: `${LT}.化肥和农膜抽检每批次费用`,
        kind: 'assessment',
        likelihood: '有可能',
        text: '单价上涨',
      }),
    ).toEqual({
      [`${LT}.化肥和农膜抽检每批次费用`]: { kind: 'assessment', likelihood: '有可能', text: '单价上涨' },
    });
    expect(
      fed('measurements', {
        ...env,
        indicatorId: '2019.新疆维吾尔自治区市场监督管理局.质量监督监管信息化建设项目.用户满意度',
        kind: 'assessment',
        likelihood: '确定能',
        text: 'ok',
      }),
    ).toHaveProperty(['2019.新疆维吾尔自治区市场监督管理局.质量监督监管信息化建设项目.用户满意度']);
  });
});

describe('route: rejections carry the DLQ reason', () => {
  const cases: Array<[string, ActualsRole, object, string, RegExp]> = [
    [
      'an uncatalogued category',
      'inspectionBatches',
      { ...env, category: '药品', batches: 1 },
      'unbound',
      /category=药品/,
    ],
    [
      'an unknown project',
      'spending',
      { ...env, projectName: '不存在的项目', amountYuan: 1 },
      'unknown_project',
      /不存在的项目/,
    ],
    [
      'an unknown project id',
      'spending',
      { ...env, projectId: '2020.新疆维吾尔自治区市场监督管理局.工商行政管理业务费', amountYuan: 1 },
      'unknown_project',
      /2020/,
    ],
    [
      'a case of an unknown project',
      'cases',
      { ...env, caseId: 'c', action: 'opened', category: '食品', projectName: '不存在的项目' },
      'unknown_project',
      /不存在的项目/,
    ],
    [
      'a bound inspection batch naming an unknown project',
      'inspectionBatches',
      { ...env, category: '汽油', batches: 1, projectName: '不存在的项目' },
      'unknown_project',
      /不存在的项目/,
    ],
    [
      'a survey of an unknown project',
      'surveys',
      { ...env, surveyKey: '干部职工满意度', projectName: '2020年的项目', respondents: 5, satisfied: 5 },
      'unknown_project',
      /2020年的项目/,
    ],
    [
      'a projectName made only of punctuation',
      'cases',
      { ...env, caseId: 'c', action: 'closed', projectName: '、、' },
      'unknown_project',
      /、、/,
    ],
    [
      'an unknown indicator id',
      'measurements',
      { ...env, indicatorId: '2019.nope.nothing', kind: 'increment', value: 1 },
      'unknown_indicator',
      /2019\.nope\.nothing/,
    ],
    [
      'a compound indicator instead of a part',
      'measurements',
      { ...env, indicatorId: `${GS}.会议培训的次数人数天数`, kind: 'increment', value: 1 },
      'unknown_indicator',
      /~期.*~天.*~人/,
    ],
    [
      'a milestone for a sum',
      'measurements',
      { ...env, indicatorId: `${LT}.汽油抽检批次`, kind: 'milestone', done: true },
      'incompatible',
      /measured as sum.*send increment/,
    ],
    [
      'a set for a bound ratio',
      'measurements',
      { ...env, indicatorId: `${GS}.案件办结率`, kind: 'set', value: 91 },
      'incompatible',
      /measured as ratio/,
    ],
    [
      'a measurement for a budget track',
      'measurements',
      { ...env, indicatorId: `${GS}#budget`, kind: 'increment', value: 1 },
      'incompatible',
      /spending/,
    ],
    [
      'an event of the next year',
      'inspectionBatches',
      { ...env, occurredAt: '2020-01-01T00:10:00+08:00', category: '汽油', batches: 1 },
      'out_of_period',
      /2020-01-01 .*2019-01-01…2019-12-31/,
    ],
    [
      '16:30Z on 31 Dec, already 1 Jan in Shanghai',
      'cases',
      { ...env, occurredAt: '2019-12-31T16:30:00Z', caseId: 'c', action: 'opened' },
      'out_of_period',
      /2020-01-01/,
    ],
    [
      'a milestone after its deadline',
      'measurements',
      {
        ...env,
        occurredAt: '2019-12-01T09:00:00+08:00',
        indicatorId: `${LT}.按计划完成抽检任务`,
        kind: 'milestone',
        done: true,
      },
      'out_of_period',
      /2019-01-01…2019-11-30/,
    ],
  ];
  it.each(cases)('%s → %s', (_n, role, event, cls, message) => {
    const r = route(event as never, role, set);
    expect(r).toMatchObject({ ok: false, reason: { class: cls } });
    if (!r.ok) expect(r.reason.message).toMatch(message);
  });

  it('an event naming a tracked project by its written name (any spacing or punctuation) is not rejected for it', () => {
    expect(
      Object.keys(
        fed('cases', {
          ...env,
          caseId: 'c',
          action: 'opened',
          projectName: '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费',
        }),
      ).length,
    ).toBeGreaterThan(0);
    expect(
      fed('inspectionBatches', {
        ...env,
        category: '汽油',
        batches: 2,
        projectName: ' 流通领域商品 成品油 农资产品 网络商品质量抽检监测经费 ',
      })[`${LT}.汽油抽检批次`],
    ).toEqual({ kind: 'add', value: 2 });
    // a tracked project that no binding of the family serves is unbound, not unknown
    expect(
      route(
        { ...env, surveyKey: '社会公众满意度', projectName: '知识产权专项业务费', respondents: 1, satisfied: 1 },
        'surveys',
        set,
      ),
    ).not.toMatchObject({ reason: { class: 'unknown_project' } });
  });

  it('judges the period by the local date at both ends of the fiscal year', () => {
    const catalogue = fixtureCatalogue([
      [
        'P',
        10,
        [
          ['早', { kind: 'deadline', by: '2019-03-31' }],
          ['全年', { kind: 'numeric', op: '>=', value: 1, unit: '次' }],
        ],
      ],
    ]);
    const s = loadBindings('', catalogue);
    const ids = (occurredAt: string) => {
      const r = route({ ...env, occurredAt, projectName: 'P', amountYuan: 1 }, 'spending', s);
      return r.ok ? r.contributions.map((c) => c.trackedId) : r.reason.class;
    };
    expect(ids('2019-01-01T00:00:00+08:00')).toEqual(['2019.新疆维吾尔自治区市场监督管理局.P#budget']);
    expect(ids('2019-12-31T15:59:59Z')).toEqual(['2019.新疆维吾尔自治区市场监督管理局.P#budget']);
    expect(ids('2018-12-31T23:59:59+08:00')).toBe('out_of_period');
    expect(ids('2018-12-31T16:00:00Z')).toEqual(['2019.新疆维吾尔自治区市场监督管理局.P#budget']);
  });
});
