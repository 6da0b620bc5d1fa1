/**
 * Wilson score interval for a proportion: unlike the normal approximation it stays inside
 * [0, 1] and behaves on small samples and at 0 % / 100 %, which is where satisfaction and
 * closure rates live.
 */
export interface Interval {
  lower: number;
  upper: number;
}

/** Interval of `successes / trials` at score `z` (1.96 ≈ 95 %); [0, 1] when there are no trials. */
export function wilsonInterval(successes: number, trials: number, z: number): Interval {
  if (!(trials > 0)) return { lower: 0, upper: 1 };
  const p = Math.min(1, Math.max(0, successes / trials));
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denom;
  // At p = 0 or 1 the exact bound is 0 or 1; rounding must not move it.
  return { lower: p === 0 ? 0 : Math.max(0, centre - half), upper: p === 1 ? 1 : Math.min(1, centre + half) };
}
