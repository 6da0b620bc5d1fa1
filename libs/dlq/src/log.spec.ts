import { dlqLogLines } from './log';

const rec = (offset: number) => ({
  topic: 'actuals.cases',
  partition: 1,
  offset: String(offset),
  reason: { class: 'schema' as const, message: `bad ${offset}` },
});

describe('dlqLogLines', () => {
  it.each([
    [0, []],
    [1, ['DLQ actuals.cases:1:10 schema: bad 10']],
    [
      3,
      [
        'DLQ actuals.cases:1:10 schema: bad 10',
        'DLQ actuals.cases:1:11 schema: bad 11',
        'DLQ actuals.cases:1:12 schema: bad 12',
      ],
    ],
    [
      5,
      [
        'DLQ actuals.cases:1:10 schema: bad 10',
        'DLQ actuals.cases:1:11 schema: bad 11',
        'DLQ actuals.cases:1:12 schema: bad 12',
        'DLQ … and 2 more of this batch (up to actuals.cases:1:14; npx iw dlq list)',
      ],
    ],
  ])('%i records → the first three and how many more', (n, expected) => {
    expect(dlqLogLines(Array.from({ length: n }, (_, i) => rec(10 + i)))).toEqual(expected);
  });

  it('says how many were not shown for any batch size', () => {
    const lines = dlqLogLines(Array.from({ length: 1000 }, (_, i) => rec(i)));
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain('and 997 more');
  });
});
