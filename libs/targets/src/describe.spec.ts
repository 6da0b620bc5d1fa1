import { describeRecurring, describeRelative } from './describe';
import type { RecurringTarget, RelativeTarget } from './target';
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
