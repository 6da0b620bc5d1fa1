/**
 * Year-on-year 指标值: a change against the previous year — `较上年增长10%` (change +10),
 * `同比下降5%` (−5), `比上年提高2个百分点` (+2 个百分点), `较上年增长不低于8%`, `不低于上年`
 * (≥ 0), `与上年持平` (= 0), `逐年增加` (> 0). `op` compares this year's change with `change`:
 * a growth target is met at or above it, a decline target at or below it (`同比下降5%` asks
 * for −5 % or less), and a bound on the size of a change says which (`下降不超过5%` → ≥ −5).
 * A base other than the previous year (`较2015年`) is not read here.
 */
import type { ComparisonOp, RelativeTarget } from '../target';
import { readQuantity } from './quantities';

const LAST_YEAR = '(?:上一?年度?|去年)(?:同期)?';
/** Where the comparison starts: `较上年`, `比去年同期`, `与上年相比`, `同比`, `逐年`. */
const BASE = new RegExp(`^(?:(?:较|比|与|和|对比)?${LAST_YEAR}(?:相比|比较)?|同比|逐年)`);
/** Filler before it (`确保较上年增长10%`). */
const LEAD = /^(?:确保|力争|保证|实现|争取|预计|要求)?/;

const UP = /^(?:有所|持续|稳步|逐步)?(?:增长|增加|提高|提升|上升|递增|增幅|增|多)(?:率|幅度|幅)?(?:达到|达|为)?/;
const DOWN =
  /^(?:有所|持续|稳步|逐步)?(?:下降|减少|降低|下调|缩减|压减|压缩|递减|降幅|减|降)(?:率|幅度|幅)?(?:达到|达|为)?/;
const FLAT = /^(?:基本)?(?:持平|相当|保持一致)$/;

/** `不低于上年`, `高于上年水平`, `与上年持平`: a comparison with last year's value itself. */
const LEVEL = new RegExp(
  `^(不低于|不少于|不小于|不高于|不超过|不多于|不大于|高于|超过|多于|大于|低于|少于|小于|保持|达到)${LAST_YEAR}(?:水平|值|数|实际|实际值)?$`,
);
const LEVEL_OPS: Record<string, ComparisonOp> = {
  不低于: '>=',
  不少于: '>=',
  不小于: '>=',
  保持: '>=',
  达到: '>=',
  不高于: '<=',
  不超过: '<=',
  不多于: '<=',
  不大于: '<=',
  高于: '>',
  超过: '>',
  多于: '>',
  大于: '>',
  低于: '<',
  少于: '<',
  小于: '<',
};

/** A bound on the size of a decline flips when it is put as a signed change. */
const FLIP: Record<ComparisonOp, ComparisonOp> = { '>=': '<=', '<=': '>=', '>': '<', '<': '>', '=': '=' };

const relative = (op: ComparisonOp, change: number, unit: string): RelativeTarget => ({
  kind: 'relative',
  op,
  change,
  unit,
  base: 'previous_year',
});

/** The reading of a normalized 指标值, or undefined when it is not year-on-year. */
export function readRelative(normalized: string): RelativeTarget | undefined {
  const s = normalized.replace(LEAD, '');
  const level = LEVEL.exec(s);
  if (level) return relative(LEVEL_OPS[level[1]], 0, '%');
  const base = BASE.exec(s);
  if (!base) return undefined;
  const rest = s.slice(base[0].length);
  if (FLAT.test(rest)) return relative('=', 0, '%');
  const up = UP.exec(rest);
  const down = up ? null : DOWN.exec(rest);
  const word = up ?? down;
  if (!word) return undefined;
  const amount = rest.slice(word[0].length);
  const sign = up ? 1 : -1;
  // No number: any change that way (`逐年增加`, `较上年有所下降`).
  if (!/[0-9]/.test(amount)) return amount === '' ? relative(up ? '>' : '<', 0, '%') : undefined;
  const q = readQuantity(amount);
  if (!q || q.kind !== 'numeric' || q.qualifier !== undefined || q.label !== undefined) return undefined;
  // `增长10%` asks for at least that growth; `下降5%` for at least that decline.
  const magnitudeOp: ComparisonOp = q.op === '=' ? '>=' : q.op;
  return relative(up ? magnitudeOp : FLIP[magnitudeOp], sign * q.value, q.unit);
}
