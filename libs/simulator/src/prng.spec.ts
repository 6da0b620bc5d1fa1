import { hashSeed, mulberry32, Rng } from './prng';

describe('mulberry32', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const next = mulberry32(7);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const x = next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      buckets[Math.floor(x * 10)]++;
    }
    for (const n of buckets) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });
});

describe('hashSeed', () => {
  it.each([
    [['a'], ['a'], true],
    [['a', 'b'], ['ab'], false],
    [[1, 'x'], ['1', 'x'], true],
    [['汽油', 3], ['柴油', 3], false],
  ] as const)('%j vs %j equal: %s', (x, y, equal) => {
    expect(hashSeed(...x) === hashSeed(...y)).toBe(equal);
  });
});

describe('Rng', () => {
  it('draws integers inside the bounds, both ends reachable', () => {
    const rng = Rng.for(1, 'int');
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(rng.int(2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('follows weights', () => {
    const rng = Rng.for(1, 'weighted');
    const counts = [0, 0, 0];
    for (let i = 0; i < 6000; i++) counts[rng.weighted([1, 0, 2])]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(1.7);
    expect(counts[2] / counts[0]).toBeLessThan(2.3);
  });

  it('is the same stream for the same name and a different one for another', () => {
    expect(Rng.for(9, 'lab', '2019-01-02').float()).toBe(Rng.for(9, 'lab', '2019-01-02').float());
    expect(Rng.for(9, 'lab', '2019-01-02').float()).not.toBe(Rng.for(9, 'lab', '2019-01-03').float());
  });
});
