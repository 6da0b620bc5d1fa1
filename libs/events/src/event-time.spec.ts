import { futureEventReason } from './event-time';

const now = Date.parse('2019-07-01T10:00:00+08:00');
const FIVE_MIN = 5 * 60_000;

describe('futureEventReason', () => {
  it.each([
    ['long past', '2019-01-01T00:00:00+08:00', null],
    ['exactly now', '2019-07-01T10:00:00+08:00', null],
    ['within the skew allowance', '2019-07-01T10:04:59+08:00', null],
    ['at the allowance', '2019-07-01T10:05:00+08:00', null],
    ['just past the allowance', '2019-07-01T10:05:01+08:00', /5 min ahead/],
    ['the documented milestone example, on 1 July', '2019-10-28T17:30:00+08:00', /119 days ahead/],
    ['late December', '2019-12-30T12:00:00+08:00', /days ahead of the clock \(2019-07-01T02:00:00\.000Z\)/],
    ['same instant, another offset', '2019-07-01T02:04:00Z', null],
  ])('%s', (_name, occurredAt, expected) => {
    const r = futureEventReason(occurredAt, now, FIVE_MIN);
    if (expected === null) expect(r).toBeNull();
    else {
      expect(r?.class).toBe('future_event');
      expect(r?.message).toMatch(expected);
    }
  });

  it('an allowance of 0 refuses anything after now', () => {
    expect(futureEventReason('2019-07-01T10:00:00.001+08:00', now, 0)?.class).toBe('future_event');
    expect(futureEventReason('2019-07-01T10:00:00+08:00', now, 0)).toBeNull();
  });
});
