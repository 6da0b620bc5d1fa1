import { describeRecurring, describeRelative, describeTarget } from './describe';
import type { RecurringTarget, RelativeTarget, Target } from './target';
import { readTarget } from './value/read-target';

describe('recurring and year-on-year targets in words', () => {
  it.each<[string, string]>([
    ['每月2次', '每月2次'],
    ['1次/月', '每月1次'],
    ['≥2次/季度', '每季度≥2次'],
    ['每月10日前', '每月10日前'],
    ['每季度首月15日前', '每季度第15日前'],
    ['按季度报送', '每季度'],
    ['每半年1次', '每半年1次'],
  ])('%s → %s', (cell, words) => {
    expect(describeRecurring(readTarget(cell, 2021).target as RecurringTarget)).toBe(words);
  });

  it.each<[string, string]>([
    ['较上年增长10%', '较上年增长10%'],
    ['同比下降5%', '较上年下降5%'],
    ['较上年增加50人', '较上年增加50人'],
    ['较上年减少3起', '较上年减少3起'],
    ['不低于上年', '不低于上年'],
    ['不高于上年', '不高于上年'],
    ['与上年持平', '与上年持平'],
    ['逐年增加', '高于上年'],
    ['逐年下降', '低于上年'],
  ])('%s → %s', (cell, words) => {
    expect(describeRelative(readTarget(cell, 2021).target as RelativeTarget)).toBe(words);
  });
});

describe('describeTarget', () => {
  it.each<[Target, string]>([
    [{ kind: 'numeric', op: '<=', value: 12, unit: '件' }, '≤12件'],
    [{ kind: 'numeric', op: '=', value: 100, unit: '%' }, '100%'],
    [{ kind: 'range', min: 10, max: 20, unit: '场次' }, '10-20场次'],
    [{ kind: 'deadline', by: '2019-10-31' }, '2019-10-31前'],
    [{ kind: 'window', from: '2019-06-01', to: '2019-10-31' }, '2019-06-01至2019-10-31'],
    [
      {
        kind: 'compound',
        parts: [
          { kind: 'numeric', op: '>=', value: 95, unit: '%', label: '县道' },
          { kind: 'numeric', op: '>=', value: 90, unit: '%', label: '乡村道' },
        ],
      },
      '县道≥95%、乡村道≥90%',
    ],
    [{ kind: 'formula', value: 75, unit: '万元', expression: '95万套*0.8元/套', consistent: false }, '75万元'],
    [{ kind: 'qualitative', text: '有所提升' }, '有所提升'],
    [{ kind: 'missing' }, ''],
    [{ kind: 'recurring', every: 'month', count: null, op: null, dueDay: 10 }, '每月10日前'],
    [{ kind: 'recurring', every: 'quarter', count: 2, op: '>=', dueDay: null }, '每季度≥2次'],
    [{ kind: 'relative', op: '>=', change: 10, unit: '%', base: 'previous_year' }, '较上年增长10%'],
    [{ kind: 'relative', op: '<=', change: -5, unit: '%', base: 'previous_year' }, '较上年下降5%'],
    [{ kind: 'relative', op: '>=', change: 0, unit: '%', base: 'previous_year' }, '不低于上年'],
  ])('%j → %s', (target, text) => {
    expect(describeTarget(target)).toBe(text);
  });
});
