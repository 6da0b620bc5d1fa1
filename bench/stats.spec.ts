import { median, percentile, perSecond, ratio, round } from './stats';

describe('percentile (nearest rank)', () => {
  const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  it.each([
    [50, 5],
    [95, 10],
    [90, 9],
    [10, 1],
    [100, 10],
    [1, 1],
  ])('p%d of 1..10 is %d', (p, want) => expect(percentile(ten, p)).toBe(want));

  it('of 200 latencies, p95 is the 190th smallest', () => {
    const xs = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(percentile(xs, 95)).toBe(190);
    expect(percentile(xs, 50)).toBe(100);
  });

  it.each([
    [[], 50],
    [[1], 0],
    [[1], 101],
  ] as Array<[number[], number]>)('refuses %j at p%d', (xs, p) => expect(() => percentile(xs, p)).toThrow());
});

describe('median', () => {
  it.each([
    [[3], 3],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5, 5, 1, 100], 5],
  ])('%j → %d', (xs, want) => expect(median(xs)).toBe(want));
  it('refuses no samples', () => expect(() => median([])).toThrow());
});

describe('rates and ratios', () => {
  it.each([
    [1000, 500, 2000],
    [200_000, 40_000, 5000],
    [5, 0, null],
  ])('%d events in %d ms → %p/s', (n, ms, want) => expect(perSecond(n, ms)).toBe(want));
  it.each([
    [10, 4, 2.5],
    [null, 4, null],
    [10, 0, null],
    [10, undefined, null],
  ])('ratio(%p, %p) = %p', (a, b, want) => expect(ratio(a, b)).toBe(want));
  it.each([
    [1.26, 1, 1.3],
    [1234.5678, 0, 1235],
    [0.12345, 3, 0.123],
    [null, 1, null],
    [Infinity, 1, null],
  ])('round(%p, %d) = %p', (v, d, want) => expect(round(v, d)).toBe(want));
});
