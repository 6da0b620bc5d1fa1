import { backoff, DEFAULT_BACKOFF } from './backoff';

const exact = { baseMs: 1000, maxMs: 60_000, jitter: 0 };

describe('backoff', () => {
  it.each<[number, number]>([
    [0, 0],
    [-1, 0],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [6, 32_000],
    [7, 60_000], // 64 s capped
    [50, 60_000],
    [5000, 60_000], // no overflow to NaN/Infinity
  ])('attempt %d waits %d ms without jitter', (attempt, ms) => {
    expect(backoff(attempt, exact, () => 0.5)).toBe(ms);
  });

  it.each<[number, number, number]>([
    [0.5, 0, 4000],
    [0.5, 1, 2000],
    [0.5, 0.5, 3000],
    [1, 1, 0], // full jitter can reach 0
    [0.2, 0.999999, 3200],
  ])('jitter %d with random %d gives %d ms at attempt 3', (jitter, r, ms) => {
    expect(backoff(3, { ...exact, jitter }, () => r)).toBe(ms);
  });

  it('stays within [delay·(1−jitter), delay] and grows with the defaults', () => {
    const delays = [1, 2, 3, 4, 5].map((a) => backoff(a, DEFAULT_BACKOFF));
    delays.forEach((d, i) => {
      const full = DEFAULT_BACKOFF.baseMs * 2 ** i;
      expect(d).toBeGreaterThanOrEqual(full * (1 - DEFAULT_BACKOFF.jitter));
      expect(d).toBeLessThanOrEqual(full);
    });
  });
});
