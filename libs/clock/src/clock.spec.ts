import { FixedClock, parseClockSpec, SimulatedClock, SystemClock } from './clock';
import {
  addDays,
  daysBetween,
  endOfLocalDay,
  lastDayOfMonth,
  localDate,
  localDateTime,
  startOfLocalDay,
  zoneOffsetMs,
} from './local-date';

describe('parseClockSpec', () => {
  it('reads "system"', () => {
    expect(parseClockSpec('system')).toBeInstanceOf(SystemClock);
  });

  it('reads a simulated clock and runs it at the given speed', () => {
    let real = 1_000_000;
    const clock = parseClockSpec('sim:2019-01-01T00:00:00+08:00@86400', () => real);
    expect(clock).toBeInstanceOf(SimulatedClock);
    expect(new Date(clock.now()).toISOString()).toBe('2018-12-31T16:00:00.000Z');
    real += 1000; // one real second = one simulated day
    expect(new Date(clock.now()).toISOString()).toBe('2019-01-01T16:00:00.000Z');
  });

  it('pins the real start with ~ so two processes share one timeline', () => {
    const a = parseClockSpec('sim:2019-01-01T00:00:00Z@10~5000', () => 6000);
    expect(a.now()).toBe(Date.parse('2019-01-01T00:00:10Z'));
  });

  it.each<[string, number, string]>([
    ['sim:2019-01-01T00:00:00Z@10~5000..2019-01-01T00:00:20Z', 6000, '2019-01-01T00:00:10.000Z'],
    ['sim:2019-01-01T00:00:00Z@10~5000..2019-01-01T00:00:20Z', 7000, '2019-01-01T00:00:20.000Z'],
    ['sim:2019-01-01T00:00:00Z@10~5000..2019-01-01T00:00:20Z', 99_000, '2019-01-01T00:00:20.000Z'],
    ['sim:2019-01-01T00:00:00+08:00@86400..2019-01-02T00:00:00+08:00', 0, '2018-12-31T16:00:00.000Z'],
  ])('stops at `..<stop>`: %s at real %i is %s', (spec, real, at) => {
    const clock = parseClockSpec(spec, () => (real === 0 ? 1 : real));
    expect(new Date(clock.now()).toISOString()).toBe(at);
  });

  it.each([
    'sim:2019-01-01',
    'sim:notadate@5',
    'sim:2019-01-01T00:00:00Z@0',
    'fast',
    'sim:2019-01-01T00:00:00Z@10..never',
    'sim:2019-01-02T00:00:00Z@10..2019-01-01T00:00:00Z',
  ])('rejects %s with a message naming IW_CLOCK', (spec) => {
    expect(() => parseClockSpec(spec)).toThrow(/IW_CLOCK/);
  });
});

describe('FixedClock', () => {
  it('moves only when told', () => {
    const c = new FixedClock(10);
    expect(c.now()).toBe(10);
    c.advance(5);
    expect(c.now()).toBe(15);
    c.set('2019-06-30T00:00:00Z');
    expect(c.now()).toBe(Date.parse('2019-06-30T00:00:00Z'));
  });
});

describe('local dates', () => {
  const tz = 'Asia/Shanghai';
  it('maps an instant to the local date', () => {
    expect(localDate(Date.parse('2019-03-31T17:00:00Z'), tz)).toBe('2019-04-01');
    expect(localDate(Date.parse('2019-03-31T15:59:59Z'), tz)).toBe('2019-03-31');
  });
  it.each(['Asia/Shanghai', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'])(
    'gives the same local date as formatting each instant, around every local midnight and DST change of 2019 (%s)',
    (zone) => {
      const direct = new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
      const around = [-6 * 3_600_000, -900_000, -1000, -1, 0, 1, 999, 900_000, 2.5 * 3_600_000, 6 * 3_600_000];
      let checked = 0;
      for (let date = '2019-01-01'; date <= '2019-12-31'; date = addDays(date, 1)) {
        const midnight = startOfLocalDay(date, zone);
        for (const d of around) {
          expect(localDate(midnight + d, zone)).toBe(direct.format(new Date(midnight + d)));
          checked++;
        }
      }
      expect(checked).toBe(365 * around.length);
    },
  );
  it.each(['Asia/Shanghai', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'])(
    'gives the offset Intl gives for every quarter hour of 2019, DST changes included (%s)',
    (zone) => {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      const direct = (ms: number) => {
        const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
        return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms;
      };
      const offsets = new Set<number>();
      for (let ms = Date.UTC(2019, 0, 1); ms < Date.UTC(2020, 0, 1); ms += 900_000) {
        const got = zoneOffsetMs(ms, zone);
        if (got !== direct(ms)) throw new Error(`${zone} at ${new Date(ms).toISOString()}: ${got} ≠ ${direct(ms)}`);
        offsets.add(got);
      }
      // The zones with DST show both offsets (the cache is per UTC day, exact on change days).
      expect(offsets.size).toBe(zone === 'Asia/Shanghai' || zone === 'Asia/Kathmandu' ? 1 : 2);
    },
  );
  it('throws on an invalid instant, as formatting does', () => {
    expect(() => localDate(NaN, tz)).toThrow(RangeError);
  });
  it('finds local midnight', () => {
    expect(new Date(startOfLocalDay('2019-01-01', tz)).toISOString()).toBe('2018-12-31T16:00:00.000Z');
    expect(new Date(endOfLocalDay('2019-12-31', tz)).toISOString()).toBe('2019-12-31T16:00:00.000Z');
  });
  it('does calendar arithmetic', () => {
    expect(addDays('2019-02-28', 1)).toBe('2019-03-01');
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(daysBetween('2019-01-01', '2019-12-31')).toBe(364);
    expect(lastDayOfMonth(2019, 2)).toBe('2019-02-28');
    expect(lastDayOfMonth(2020, 2)).toBe('2020-02-29');
    expect(lastDayOfMonth(2019, 12)).toBe('2019-12-31');
  });
  it('handles a zone with DST', () => {
    expect(new Date(startOfLocalDay('2019-07-01', 'Europe/Berlin')).toISOString()).toBe('2019-06-30T22:00:00.000Z');
  });
});

describe('localDateTime', () => {
  it.each<[number | string, string, string]>([
    ['2019-04-12T02:30:00Z', 'Asia/Shanghai', '2019-04-12 10:30'],
    ['2019-04-12T02:30:00Z', 'UTC', '2019-04-12 02:30'],
    [Date.UTC(2019, 11, 31, 16, 5), 'Asia/Shanghai', '2020-01-01 00:05'],
    [Date.UTC(2019, 6, 1, 12, 0), 'Europe/Berlin', '2019-07-01 14:00'],
  ])('%s in %s is %s', (instant, zone, text) => expect(localDateTime(instant, zone)).toBe(text));
});
