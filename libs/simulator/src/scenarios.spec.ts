import type { Status } from '@iw/risk';
import { datesBetween, instantMs } from './calendar';
import { sampleStoryInput } from './sample';
import { resolveScenarios, RULES, SCENARIOS, type Scenario } from './scenarios';
import { buildStory, type Story } from './story';
import { judgeStory, type Checkpoint } from './verify';
import { viewOf } from './view';

const input = sampleStoryInput();
const views = viewOf(input);
const tz = input.bindings.timeZone;
const year = datesBetween('2019-01-01', '2019-12-31');

describe('the scenarios pick the indicators they claim, by rule', () => {
  const resolved = resolveScenarios(views, 2019);
  it.each([
    ['behind-then-recover', '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费', '汽油抽检批次'],
    ['cost-cap-exceeded', '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费', '汽油和柴油抽检每批次费用'],
    ['survey-below-target', '工商行政管理业务费', '社会公众满意度'],
    ['spending-lags', '自治区专利实施项目', '项目执行率'],
    ['spending-cap-overrun', '消费大维权、315活动及广告监测经费', '消费维权网络服务平台维护保养费'],
    ['deadline-missed', '营业执照采购项目', '营业执照印刷开始时间'],
    ['qualitative-assessed', '工商行政管理业务费', '设施保障程度'],
    ['no-data', '质量监督监管信息化建设项目', '用户满意度'],
    ['achieved-early', '工商行政管理业务费', '执法办案数'],
  ])('%s → %s / %s', (name, project, indicator) => {
    const s = resolved.find((r) => r.name === name)!;
    expect(s.projectName).toBe(project);
    expect(s.unitName).toBe(indicator);
    expect(s.rule).toBe(SCENARIOS.find((x) => x.name === name)!.rule.describe);
  });

  it('names the budget track of the lagging project too', () => {
    const lag = resolved.find((r) => r.name === 'spending-lags')!;
    expect(new Set(lag.expectations.map((e) => e.unitId))).toEqual(new Set([lag.unitId, `${lag.projectId}#budget`]));
  });

  it('refuses a rule that finds nothing, and two plots on one unit', () => {
    const nothing: Scenario = { ...SCENARIOS[0], name: 'x', rule: { describe: 'nothing', select: () => undefined } };
    expect(() => resolveScenarios(views, 2019, [nothing])).toThrow(/no unit matches "nothing"/);
    expect(() => resolveScenarios(views, 2019, [SCENARIOS[0], { ...SCENARIOS[0], name: 'again' }])).toThrow(
      /already taken/,
    );
  });

  it('follows a different catalogue: the rule, not an id, decides', () => {
    // Without 汽油's count, the largest ≥ batch count is the next one.
    const without = views.filter((v) => v.unit.name !== '汽油抽检批次');
    expect(RULES.largestBatchCount.select(without)?.unit.name).toBe('化肥抽检批次');
  });
});

/**
 * The statuses each scenario claims, and a healthy rest, checked through the real measures and
 * risk engine (judgeStory) at several instants of every day of the year.
 */
function judgeYear(story: Story, minutes: number[]): Checkpoint[] {
  const times = year.flatMap((d) => minutes.map((m) => instantMs(d, m, tz)));
  return judgeStory(input, story.events, times).checkpoints;
}

const dateOf = (c: Checkpoint) => year.find((d) => instantMs(d, 0, tz) <= c.at && c.at < instantMs(d, 24 * 60, tz))!;

function violations(story: Story, checkpoints: Checkpoint[]): string[] {
  const out: string[] = [];
  for (const c of checkpoints) {
    const date = dateOf(c);
    for (const e of story.expectations) {
      if (date < e.from || date > e.to) continue;
      const got = c.statuses.get(e.unitId)!;
      if (got.status !== e.status)
        out.push(
          `${new Date(c.at).toISOString()} ${e.scenario} ${e.name}: want ${e.status}, got ${got.status} (${got.reason})`,
        );
    }
  }
  return out;
}

/** Units outside the plot must stay on track (or achieved, or waiting for their assessment). */
function unhealthy(story: Story, checkpoints: Checkpoint[]): string[] {
  const plotted = new Set([...story.expectations.map((e) => e.unitId), ...story.unfed.map((u) => u.unitId)]);
  const healthy: Status[] = ['on_track', 'achieved', 'manual'];
  const out: string[] = [];
  for (const c of checkpoints) {
    for (const [id, e] of c.statuses) {
      if (!plotted.has(id) && !healthy.includes(e.status))
        out.push(`${new Date(c.at).toISOString()} ${id}: ${e.status} (${e.reason})`);
    }
  }
  return out;
}

describe('the story of seed 1, judged twice a day all year', () => {
  const story = buildStory(input, { seed: 1, runId: 's1' });
  const checkpoints = judgeYear(story, [8 * 60, 20 * 60]);

  it('produces every expected status in its date range', () => {
    expect(violations(story, checkpoints)).toEqual([]);
  });

  it('keeps every other indicator on track: most indicators raise no alert', () => {
    expect(unhealthy(story, checkpoints)).toEqual([]);
    const last = checkpoints[checkpoints.length - 1].statuses;
    const good = [...last.values()].filter((e) => e.status === 'on_track' || e.status === 'achieved').length;
    expect(good / last.size).toBeGreaterThan(0.9);
  });

  it('judges the recurring indicator period by period, and the year-on-year one without a base as 缺少上年基数', () => {
    const ofKind = (kind: string) => [...input.bindings.units.values()].filter((u) => u.target.kind === kind);
    const [recurring] = ofKind('recurring');
    const [relative] = ofKind('relative');
    expect([ofKind('recurring').length, ofKind('relative').length]).toEqual([1, 1]);
    const seen = (id: string) => new Set(checkpoints.map((c) => c.statuses.get(id)!.status));
    // Every month's occurrence is reported early in the month: never at risk, nothing missed.
    expect([...seen(recurring.id)]).toEqual(['on_track']);
    const reasons = checkpoints.map((c) => c.statuses.get(recurring.id)!.reason);
    expect(reasons.filter((r) => /^本期2019年\d+月已完成1次（每期1次）$/.test(r)).length).toBeGreaterThan(
      checkpoints.length / 2,
    );
    expect(reasons[reasons.length - 1]).toBe('本期2019年12月已完成1次（每期1次）');
    expect(
      new Set(checkpoints.map((c) => `${c.statuses.get(relative.id)!.status} ${c.statuses.get(relative.id)!.reason}`)),
    ).toEqual(new Set(['no_data 缺少上年基数']));
  });

  it('shows every status of the scale at some point of the year', () => {
    const seen = new Set(checkpoints.flatMap((c) => [...c.statuses.values()].map((e) => e.status)));
    expect([...seen].sort()).toEqual(['achieved', 'at_risk', 'manual', 'missed', 'no_data', 'off_track', 'on_track']);
  });
});

describe.each([2019])('the story of seed %i, judged at noon every day', (seed) => {
  const story = buildStory(input, { seed, runId: 's' });
  const checkpoints = judgeYear(story, [12 * 60]);

  it('holds the same plot: the expectations do not depend on the seed', () => {
    expect(violations(story, checkpoints)).toEqual([]);
    expect(unhealthy(story, checkpoints)).toEqual([]);
  });
});
