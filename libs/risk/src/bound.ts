import type { ComparisonOp } from '@iw/targets';

/**
 * A numeric target read as a direction: a floor to reach (`>=`, `>`) or a cap not to exceed
 * (`<=`, `<`). Tables write bare numbers (`=`) for "at least" (1份, 200人, 100%), for "none"
 * when the number is 0 (0.00%, 事故率为0) and, under 成本指标, for a budget not to exceed
 * (70万元); `exact` remembers the `=` so that reaching it mid-period is not yet final.
 */
export interface Bound {
  dir: 'floor' | 'cap';
  value: number;
  strict: boolean;
  exact: boolean;
  unit: string;
  op: ComparisonOp;
}

export function boundOf(op: ComparisonOp, value: number, unit: string, costIndicator: boolean): Bound {
  if (op === '=') {
    const dir = value === 0 || costIndicator ? 'cap' : 'floor';
    return { dir, value, strict: false, exact: true, unit, op };
  }
  const dir = op === '>=' || op === '>' ? 'floor' : 'cap';
  return { dir, value, strict: op === '>' || op === '<', exact: false, unit, op };
}

/** Whether `x` satisfies the bound. */
export function meets(b: Bound, x: number): boolean {
  if (b.dir === 'floor') return b.strict ? x > b.value : x >= b.value;
  return b.strict ? x < b.value : x <= b.value;
}
