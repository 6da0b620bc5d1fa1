/**
 * Formula 指标值: `本年度为95万套*0.8元/套=75万元` — a stated result with the arithmetic
 * that produced it. We keep the result and check the arithmetic, because a table whose
 * sums do not hold is worth a warning (95 × 0.8 = 76, not 75).
 */
import type { FormulaTarget } from '../target';
import { MULTIPLIERS } from './lexicon';

const ARITH: Readonly<Record<string, '*' | '/' | '+' | '-'>> = {
  '*': '*',
  '×': '*',
  x: '*',
  X: '*',
  '·': '*',
  '÷': '/',
  '/': '/',
  '+': '+',
  '-': '-',
};

interface Term {
  value: number;
}

/** Multiplier a unit starts with (`万套` → 1e4, `%` → 0.01). */
function scale(unit: string): number {
  if (unit.startsWith('%')) return 0.01;
  if (unit.startsWith('‰')) return 0.001;
  for (const m of Object.keys(MULTIPLIERS).sort((a, b) => b.length - a.length)) {
    if (unit.startsWith(m)) return MULTIPLIERS[m];
  }
  return 1;
}

/** `95万套*0.8元/套` → [950000, '*', 0.8]; undefined when it is not arithmetic. */
function terms(expr: string): Array<Term | '*' | '/' | '+' | '-'> | undefined {
  const out: Array<Term | '*' | '/' | '+' | '-'> = [];
  // A term is [label] number [unit]: `单价0.8元/套`; `/` before a digit divides.
  const re = /([^\d×*xX·÷+\-/]*)(\d+(?:\.\d+)?)([^\d×*xX·÷+\-/]*(?:\/[^\d×*xX·÷+\-/]+)*)|([×*xX·÷+\-/])/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < expr.length && (m = re.exec(expr))) {
    pos = re.lastIndex;
    if (m[2] !== undefined) {
      if (out.length && typeof out[out.length - 1] !== 'string') return undefined;
      out.push({ value: Number(m[2]) * scale(m[3].trim()) });
    } else {
      if (!out.length || typeof out[out.length - 1] === 'string') return undefined;
      out.push(ARITH[m[4]]);
    }
  }
  if (pos !== expr.length || out.length < 3 || typeof out[out.length - 1] === 'string') return undefined;
  return out;
}

function evaluate(items: Array<Term | '*' | '/' | '+' | '-'>): number {
  // Two passes: × ÷ first, then + −.
  const sums: Array<number | '+' | '-'> = [];
  let acc = (items[0] as Term).value;
  for (let i = 1; i < items.length; i += 2) {
    const op = items[i] as string;
    const v = (items[i + 1] as Term).value;
    if (op === '*') acc *= v;
    else if (op === '/') acc /= v;
    else {
      sums.push(acc, op as '+' | '-');
      acc = v;
    }
  }
  sums.push(acc);
  let total = sums[0] as number;
  for (let i = 1; i < sums.length; i += 2)
    total = sums[i] === '+' ? total + (sums[i + 1] as number) : total - (sums[i + 1] as number);
  return total;
}

export function readFormula(normalized: string): FormulaTarget | undefined {
  const eq = normalized.lastIndexOf('=');
  if (eq <= 0 || normalized.indexOf('=') !== eq) return undefined;
  const right = /^(\d+(?:\.\d+)?)\s*([^\d]*)$/.exec(normalized.slice(eq + 1).trim());
  if (!right) return undefined;
  const left = normalized.slice(0, eq).trim();
  const firstDigit = left.search(/\d/);
  if (firstDigit < 0) return undefined;
  // Words before the arithmetic (`本年度为`) describe it; they are not part of it.
  const expression = left.slice(firstDigit).trim();
  const items = terms(expression.replace(/\s+/g, ''));
  if (!items) return undefined;
  const unit = right[2].trim();
  const stated = Number(right[1]);
  const decimals = (right[1].split('.')[1] ?? '').length;
  // Consistent when the computed value rounds to the stated one at its written precision.
  const tolerance = 0.5 * 10 ** -decimals * scale(unit) + 1e-9 * Math.abs(stated * scale(unit));
  const consistent = Math.abs(evaluate(items) - stated * scale(unit)) <= tolerance;
  return { kind: 'formula', value: stated, unit, expression, consistent };
}
