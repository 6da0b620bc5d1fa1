/**
 * Cost of one evaluation over 1M tracked units of mixed shapes (budget: ≤ 1 µs each).
 * Build and run: npm run build && node dist/libs/risk/bench/evaluate.bench.js [count]
 */
import type { MeasureKind, Progress } from '@iw/measures';
import { evaluate, type EvaluationInput, type UnitTarget } from '@iw/risk';

const PERIOD = { from: '2019-01-01', to: '2019-12-31' };

function progressOf(measure: MeasureKind, i: number): Progress {
  const base: Progress = {
    id: `unit-${i}`,
    measure,
    actual: (i % 997) + 1,
    eventCount: 40,
    firstEventAt: '2019-02-03T10:00:00+08:00',
    lastEventAt: '2019-09-20T10:00:00+08:00',
    history: [],
    period: PERIOD,
  };
  if (measure === 'ratio') return { ...base, numerator: 80 + (i % 20), denominator: 100, actual: 80 + (i % 20) };
  if (measure === 'mean') return { ...base, numerator: 2900 * 100, denominator: 100, actual: 2900 + (i % 300) };
  if (measure === 'milestone') return { ...base, done: i % 2 === 0, doneAt: '2019-09-20T10:00:00+08:00' };
  return base;
}

const SHAPES: [UnitTarget, MeasureKind][] = [
  [{ kind: 'numeric', op: '>=', value: 700, unit: '批次' }, 'sum'],
  [{ kind: 'numeric', op: '<=', value: 12, unit: '人次' }, 'count'],
  [{ kind: 'numeric', op: '>=', value: 90, unit: '%' }, 'ratio'],
  [{ kind: 'numeric', op: '<=', value: 3000, unit: '元' }, 'mean'],
  [{ kind: 'range', min: 10, max: 20, unit: '场次' }, 'count'],
  [{ kind: 'deadline', by: '2019-10-31' }, 'milestone'],
  [{ kind: 'window', from: '2019-06-01', to: '2019-10-31' }, 'count'],
  [{ kind: 'qualitative', text: '有所提升' }, 'assessment'],
];

export function run(count: number): number {
  const now = Date.parse('2019-08-15T12:00:00+08:00');
  const inputs: EvaluationInput[] = [];
  for (let i = 0; i < count; i++) {
    const [target, measure] = SHAPES[i % SHAPES.length];
    inputs.push({
      target,
      measure,
      progress: progressOf(measure, i),
      period: PERIOD,
      now: now + (i % 1000) * 1000,
      timeZone: 'Asia/Shanghai',
    });
  }
  for (let i = 0; i < 10_000; i++) evaluate(inputs[i % count]); // warm-up
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) sink += evaluate(inputs[i]).reason.length;
  const ns = Number(process.hrtime.bigint() - start);
  if (sink === 0) throw new Error('no work done');
  return ns / count;
}

if (require.main === module) {
  const count = Number(process.argv[2] ?? 1_000_000);
  const perUnit = run(count);
  console.log(`evaluate: ${count} units, ${(perUnit / 1000).toFixed(3)} µs per unit`);
}
