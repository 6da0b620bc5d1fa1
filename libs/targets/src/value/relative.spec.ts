import type { Target } from '../target';
import { readTarget } from './read-target';

const rel = (op: string, change: number, unit = '%') =>
  ({ kind: 'relative', op, change, unit, base: 'previous_year' }) as Target;

describe('year-on-year targets', () => {
  it.each<[string, Target]>([
    // Growth: at least that much.
    ['较上年增长10%', rel('>=', 10)],
    ['比上年增长10%', rel('>=', 10)],
    ['比去年提高5%', rel('>=', 5)],
    ['同比增长8%', rel('>=', 8)],
    ['同比增长 8 %', rel('>=', 8)],
    ['较上年度增长１０％', rel('>=', 10)],
    ['较上年同期增加15%', rel('>=', 15)],
    ['与上年相比提升3%', rel('>=', 3)],
    ['上年同期增长10%', rel('>=', 10)],
    ['确保较上年增长10%', rel('>=', 10)],
    ['同比增长率≥10%', rel('>=', 10)],
    ['同比增幅不低于6%', rel('>=', 6)],
    ['较上年增长10%以上', rel('>=', 10)],
    ['较上年增长不超过5%', rel('<=', 5)],
    ['较上年增长10%左右', rel('>=', 10)],
    // Decline: at least that much down.
    ['同比下降5%', rel('<=', -5)],
    ['较上年减少10%', rel('<=', -10)],
    ['比上年降低3%以上', rel('<=', -3)],
    ['同比下降不少于5%', rel('<=', -5)],
    // … at most that much down.
    ['同比下降不超过5%', rel('>=', -5)],
    ['较上年降幅控制在2%以内', rel('>=', -2)],
    // An absolute change keeps its unit.
    ['比上年提高2个百分点', rel('>=', 2, '个百分点')],
    ['较上年增加50人', rel('>=', 50, '人')],
    ['较上年减少3起', rel('<=', -3, '起')],
    // Against last year's value itself.
    ['不低于上年', rel('>=', 0)],
    ['不低于上年水平', rel('>=', 0)],
    ['不少于去年', rel('>=', 0)],
    ['不高于上年', rel('<=', 0)],
    ['不超过上年同期', rel('<=', 0)],
    ['高于上年', rel('>', 0)],
    ['低于上年', rel('<', 0)],
    ['与上年持平', rel('=', 0)],
    ['较上年基本持平', rel('=', 0)],
    ['保持上年水平', rel('>=', 0)],
    // Any change that way.
    ['逐年增加', rel('>', 0)],
    ['逐年提高', rel('>', 0)],
    ['逐年下降', rel('<', 0)],
    ['较上年有所增长', rel('>', 0)],
    ['同比有所下降', rel('<', 0)],
  ])('%s', (cell, expected) => {
    expect(readTarget(cell, 2021).target).toEqual(expected);
  });

  it.each<[string, string]>([
    // A base that is not last year, a rate that is measured directly, or no base at all.
    ['较2015年增长10%', 'numeric'],
    ['增长10%', 'numeric'],
    ['提升15%', 'numeric'],
    ['≥3%', 'numeric'],
    ['有所提升', 'qualitative'],
    ['逐步提高', 'qualitative'],
    // A range or several parts: not one change.
    ['同比增长5%-10%', 'range'],
    ['较上年增长10%，达到1200件', 'compound'],
  ])('%s is not year-on-year', (cell, kind) => {
    expect(readTarget(cell, 2021).target.kind).toBe(kind);
  });
});
