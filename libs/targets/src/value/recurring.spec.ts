import type { Target } from '../target';
import { readTarget } from './read-target';
import { recurringFromName } from './recurring';

const rec = (every: string, count: number | null, op: string | null, dueDay: number | null = null) =>
  ({ kind: 'recurring', every, count, op, dueDay }) as Target;

describe('recurring targets', () => {
  it.each<[string, Target]>([
    // 每 + period + count
    ['每月2次', rec('month', 2, '=')],
    ['每季度1次', rec('quarter', 1, '=')],
    ['每季1次', rec('quarter', 1, '=')],
    ['每半年1次', rec('half-year', 1, '=')],
    ['每半年度开展一次', rec('half-year', 1, '=')],
    ['每周1次', rec('week', 1, '=')],
    ['每星期二次', rec('week', 2, '=')],
    ['每年2次', rec('year', 2, '=')],
    ['每个月1期', rec('month', 1, '=')],
    ['每月至少1次', rec('month', 1, '>=')],
    ['每季度不少于2次', rec('quarter', 2, '>=')],
    ['每月召开≥1次', rec('month', 1, '>=')],
    ['每月3次以上', rec('month', 3, '>=')],
    ['每月开展十次', rec('month', 10, '=')],
    ['每季度十二场', rec('quarter', 12, '=')],
    ['每月 2 次', rec('month', 2, '=')],
    ['每月２次', rec('month', 2, '=')],
    // count + / + period
    ['1次/月', rec('month', 1, '=')],
    ['≥2次/季度', rec('quarter', 2, '>=')],
    ['>=2次/季度', rec('quarter', 2, '>=')],
    ['不少于4次/年', rec('year', 4, '>=')],
    ['1次/每月', rec('month', 1, '=')],
    ['2期每季度', rec('quarter', 2, '=')],
    ['1次/半年', rec('half-year', 1, '=')],
    ['1次/周', rec('week', 1, '=')],
    // due days
    ['每月10日前', rec('month', null, null, 10)],
    ['每月10号前', rec('month', null, null, 10)],
    ['于每月5日前报送', rec('month', null, null, 5)],
    ['每季度首月15日前', rec('quarter', null, null, 15)],
    ['每月10日前报送1次', rec('month', 1, '=', 10)],
    // frequency only
    ['按季度报送', rec('quarter', null, null)],
    ['按月报送', rec('month', null, null)],
    ['按季', rec('quarter', null, null)],
    ['每季度末', rec('quarter', null, null)],
    ['每月', rec('month', null, null)],
  ])('%s', (cell, expected) => {
    expect(readTarget(cell, 2021).target).toEqual(expected);
  });

  it.each<[string, string]>([
    // A quantity per period, not a count of occurrences: read as before.
    ['每月不少于100户', 'numeric'],
    ['2000元/每月', 'numeric'],
    ['每年完成10项', 'numeric'],
    ['每批次费用≤3000元', 'numeric'],
    ['每人每年培训≥40学时', 'numeric'],
    ['每万人拥有律师数≥3人', 'numeric'],
    // Not a period: 周期, 月份.
    ['每周期1次', 'numeric'],
    // A deadline, not a recurrence.
    ['2021年10月31日前', 'deadline'],
    ['11月底前', 'deadline'],
  ])('%s is not recurring', (cell, kind) => {
    expect(readTarget(cell, 2021).target.kind).toBe(kind);
  });

  describe('a name that says how often makes a bare count recurring', () => {
    const n = (op: string, value: number, unit: string, qualifier?: string) =>
      ({ kind: 'numeric', op, value, unit, ...(qualifier ? { qualifier } : {}) }) as Target;
    it.each<[string, Target, Target | undefined]>([
      ['“法治新疆网”每月通报', n('>=', 1, '', '优数量'), rec('month', 1, '>=')],
      ['每月巡查次数', n('>=', 4, '次'), rec('month', 4, '>=')],
      ['按季度召开分析会', n('=', 1, '次'), rec('quarter', 1, '=')],
      ['每半年开展督查', n('=', 2, '次'), rec('half-year', 2, '=')],
      // The year is the table's own period.
      ['每年扫描总数', n('=', 400, '万页'), undefined],
      ['每年培训次数', n('>=', 2, '次'), undefined],
      // Not counts of occurrences, or not a bare count.
      ['每月检查户数', n('>=', 200, '户'), undefined],
      ['每季度满意度调查', n('>=', 90, '%'), undefined],
      ['每月通报', n('<=', 1, '次'), undefined],
      ['每月平均时长', n('=', 1.5, ''), undefined],
      ['化肥和农膜抽检每批次费用', n('<=', 2500, '元'), undefined],
      ['每周期报告', n('=', 1, '次'), undefined],
    ])('%s | %j', (name, target, expected) => {
      expect(recurringFromName(name, target)).toEqual(expected);
    });
  });
});
