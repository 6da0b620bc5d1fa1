import { loadConfig } from '@iw/config';
import { formatProgress, simulationClock } from './simulate';

const REAL_NOW = Date.parse('2024-06-01T00:00:00Z');
const jan1 = Date.parse('2019-01-01T00:00:00+08:00');

describe('simulationClock', () => {
  const system = loadConfig({}, '/nonexistent/.env');
  const shared = loadConfig(
    { IW_CLOCK: `sim:2019-01-01T00:00:00+08:00@86400~${REAL_NOW - 10_000}` },
    '/nonexistent/.env',
  );

  it.each([
    [
      'system clock: its own, from the fiscal year start, a day per second',
      system,
      {},
      { shared: false, at: jan1, speed: 86_400 },
    ],
    [
      'system clock, --from and --speed',
      system,
      { from: '2019-06-01', speed: 3600 },
      { shared: false, at: Date.parse('2019-06-01T00:00:00+08:00'), speed: 3600 },
    ],
    [
      'IW_CLOCK simulated: shared, ten days in already',
      shared,
      {},
      { shared: true, at: jan1 + 10 * 86_400_000, speed: 86_400 },
    ],
    [
      'IW_CLOCK simulated but --speed given: its own',
      shared,
      { speed: 172_800 },
      { shared: false, at: jan1, speed: 172_800 },
    ],
  ])('%s', (_name, config, options, want) => {
    const { clock, spec, shared: isShared } = simulationClock(config, 2019, options, REAL_NOW);
    expect(isShared).toBe(want.shared);
    expect(clock.speed).toBe(want.speed);
    expect(spec).toMatch(
      isShared
        ? /^sim:2019-01-01T00:00:00\+08:00@86400~\d+$/
        : new RegExp(`^sim:\\d{4}-\\d{2}-\\d{2}T00:00:00\\+08:00@${want.speed}~${REAL_NOW}$`),
    );
    // The clock runs from its real start: now() at REAL_NOW (own) or 10 s later (shared).
    // Bracketed by real time read before and after, since one real ms is `speed` simulated ms.
    const realStart = isShared ? REAL_NOW - 10_000 : REAL_NOW;
    const origin = isShared ? jan1 : want.at;
    const before = Date.now();
    const simulated = clock.now();
    const after = Date.now();
    expect(simulated).toBeGreaterThanOrEqual(origin + (before - realStart) * want.speed);
    expect(simulated).toBeLessThanOrEqual(origin + (after - realStart) * want.speed);
  });
});

describe('formatProgress', () => {
  it.each([
    [
      { now: 0, date: '2019-03-14', published: 1234, malformed: 3, total: 6437, done: false },
      '2019-03-14  1234/6437 events published (3 malformed)',
    ],
    [
      { now: 0, date: '2019-12-31', published: 6437, malformed: 0, total: 6437, done: true },
      '2019-12-31  6437/6437 events published  done',
    ],
  ])('%j', (p, line) => {
    expect(formatProgress(p)).toBe(line);
  });
});
