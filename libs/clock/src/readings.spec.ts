import { ClockReadings } from './readings';

describe('ClockReadings', () => {
  // A simulated clock at 86,400×, read once a real second: real ms → shown ms.
  const readings = () => {
    const r = new ClockReadings(1500);
    for (const real of [0, 1000, 2000, 3000]) r.note(real, 1_000_000 + real * 86_400);
    return r;
  };

  it.each([
    ['the reading at that very time', 3000, 1_000_000 + 3000 * 86_400],
    ['the latest reading not after it', 2999, 1_000_000 + 2000 * 86_400],
    ['a second before the last reading', 2000, 1_000_000 + 2000 * 86_400],
    ['the oldest kept (the newest older than keepMs)', 1400, 1_000_000 + 1000 * 86_400],
    ['before anything kept: unknown', 999, null],
  ])('%s', (_, realMs, shown) => {
    expect(readings().at(realMs)).toBe(shown);
  });

  it('knows nothing before its first reading, and a stopped clock shows its stop', () => {
    const r = new ClockReadings(1000);
    expect(r.at(5000)).toBeNull();
    r.note(5000, 42);
    r.note(6000, 42);
    expect(r.at(4999)).toBeNull();
    expect(r.at(6500 - 1000)).toBe(42);
  });
});
