/**
 * 指标值 → Target (docs/domain.md). The grammar tries, in order: missing, recurring
 * (`每月2次`, `1次/月`, `每月10日前`), year-on-year (`较上年增长10%`, `不低于上年`), formula,
 * date (window / deadline), quantity (range / compound / numeric); anything else is a
 * qualitative target kept as written.
 */
import type { NumericTarget, Target } from '../target';
import { readDate } from './dates';
import { readFormula } from './formula';
import { GROWTH_WORDS, MISSING_VALUES } from './lexicon';
import { normalizeValueText } from './normalize';
import { readQuantity } from './quantities';
import { readRecurring } from './recurring';
import { readRelative } from './relative';

export interface TargetReading {
  target: Target;
  /** Remarks on the reading (a day that does not exist, …); not errors. */
  notes: string[];
}

/** Readings repeat (`100%` dozens of times a table); targets are never mutated. */
const cache = new Map<string, TargetReading>();

export function readTarget(value: string, fiscalYear: number): TargetReading {
  const reading = peekTarget(value, fiscalYear);
  return { target: cloneTarget(reading.target), notes: [...reading.notes] };
}

/** Targets are flat but for compound parts; a copy keeps the cache safe from callers. */
function cloneTarget(t: Target): Target {
  return t.kind === 'compound' ? { kind: 'compound', parts: t.parts.map((p) => ({ ...p })) } : { ...t };
}

/** The shared, cached reading: for callers that only look at it. */
export function peekTarget(value: string, fiscalYear: number): Readonly<TargetReading> {
  const k = `${fiscalYear}\u0000${value}`;
  let reading = cache.get(k);
  if (!reading) {
    reading = read(value, fiscalYear);
    if (cache.size >= 4096) cache.clear();
    cache.set(k, reading);
  }
  return reading;
}

function read(value: string, fiscalYear: number): TargetReading {
  const written = value.trim();
  const s = normalizeValueText(written);
  if (MISSING_VALUES.has(s) || MISSING_VALUES.has(written)) return { target: { kind: 'missing' }, notes: [] };
  const recurring = readRecurring(s);
  if (recurring) return { target: recurring, notes: [] };
  const relative = readRelative(s);
  if (relative) return { target: relative, notes: [] };
  const formula = readFormula(s);
  if (formula) return { target: formula, notes: [] };
  const date = readDate(s, fiscalYear);
  if (date) return date;
  const quantity = readQuantity(s);
  if (quantity) return { target: quantity, notes: [] };
  return { target: { kind: 'qualitative', text: written }, notes: [] };
}

/** Kinds a value holds a number or date for; the others are read by people. */
export function isMeasurable(target: Target): boolean {
  return target.kind !== 'qualitative' && target.kind !== 'missing';
}

/**
 * A rate above 100% is legitimate for growth (`增长率 ≥120%`, `提高>150%`), not for a
 * share of a whole. Growth shows in the qualifier or label, or in a name that measures
 * a change (增长率, 提高幅度, 同比).
 */
function isGrowth(t: NumericTarget, name: string): boolean {
  const words = `${t.qualifier ?? ''} ${t.label ?? ''}`;
  if (GROWTH_WORDS.some((w) => words.includes(w))) return true;
  return /(?:增长|增幅|提高|提升|增加)(?:率|幅度|比例|百分比)|同比|环比|倍/.test(name);
}

function impossibility(t: NumericTarget, name: string): string | undefined {
  if (t.unit === '%' && !isGrowth(t, name)) {
    if ((t.op === '>' && t.value >= 100) || (t.op === '>=' && t.value > 100))
      return `cannot be met by definition: a share cannot exceed 100% (${t.op} ${t.value}%)`;
    if (t.op === '>=' && t.value === 100) return 'needs perfection: ≥100% is met only by 100% exactly';
  }
  // Counts, amounts and rates are never negative.
  if ((t.op === '<' && t.value <= 0) || (t.op === '<=' && t.value < 0))
    return `cannot be met by definition: nothing is ${t.op} ${t.value}${t.unit}`;
  return undefined;
}

/**
 * Warnings for targets that cannot be met as written (still tracked): a share above
 * 100%, `≥100%` that needs perfection, a count below zero, arithmetic that does not
 * hold, a time target outside the fiscal year.
 */
export function targetWarnings(target: Target, name: string, fiscalYear: number): string[] {
  const out: string[] = [];
  const numerics = target.kind === 'numeric' ? [target] : target.kind === 'compound' ? target.parts : [];
  for (const n of numerics) {
    const why = impossibility(n, name);
    if (why) out.push(n.label ? `${n.label}: ${why}` : why);
  }
  if (target.kind === 'formula' && !target.consistent)
    out.push(`formula does not hold: ${target.expression} ≠ ${target.value}${target.unit}`);
  if (target.kind === 'range' && target.min === target.max)
    out.push(`range ${target.min}-${target.max} is a single value`);
  const dates = target.kind === 'deadline' ? [target.by] : target.kind === 'window' ? [target.from, target.to] : [];
  for (const d of dates) {
    const y = Number(d.slice(0, 4));
    if (y !== fiscalYear) out.push(`date ${d} lies outside fiscal year ${fiscalYear}`);
  }
  return out;
}
