import { computeLag, nextOffset } from './offsets';

describe('nextOffset', () => {
  it.each([
    ['0', '1'],
    ['41', '42'],
    ['9007199254740993', '9007199254740994'], // beyond Number precision
  ])('%s → %s', (offset, next) => expect(nextOffset(offset)).toBe(next));
});

describe('computeLag', () => {
  const ends = [
    { partition: 1, start: '0', end: '10' },
    { partition: 0, start: '5', end: '20' },
    { partition: 2, start: '3', end: '3' },
  ];

  it.each([
    [
      'committed partitions lag end − committed',
      [
        { partition: 0, offset: '18' },
        { partition: 1, offset: '10' },
        { partition: 2, offset: '3' },
      ],
      [2, 0, 0],
    ],
    ['no commit (-1) counts from the log start', [{ partition: 0, offset: '-1' }], [15, 10, 0]],
    [
      'a commit beyond the end (truncated log) is 0, not negative',
      [
        { partition: 0, offset: '25' },
        { partition: 1, offset: '11' },
      ],
      [0, 0, 0],
    ],
  ])('%s', (_name, committed, lags) => {
    const result = computeLag('t', committed, ends);
    expect(result.map((r) => r.partition)).toEqual([0, 1, 2]);
    expect(result.map((r) => r.lag)).toEqual(lags);
  });

  it('reports null for a partition never committed', () => {
    const [p0, p1] = computeLag('t', [{ partition: 1, offset: '4' }], ends);
    expect(p0).toEqual({ topic: 't', partition: 0, committed: null, end: '20', lag: 15 });
    expect(p1).toEqual({ topic: 't', partition: 1, committed: '4', end: '10', lag: 6 });
  });
});
