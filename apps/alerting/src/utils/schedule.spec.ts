import { newLocalDay, tickMsFor, usesCron } from './schedule';
import { Serial } from './serial';

describe('newLocalDay', () => {
  const TZ = 'Asia/Shanghai';
  it.each([
    ['first look: always a sweep', null, '2019-06-15T12:00:00+08:00', '2019-06-15'],
    ['same local day', '2019-06-15', '2019-06-15T23:59:59+08:00', null],
    ['local midnight passed (still the 15th in UTC)', '2019-06-15', '2019-06-16T00:00:00+08:00', '2019-06-16'],
    ['several days jumped: one sweep', '2019-06-15', '2019-06-20T08:00:00+08:00', '2019-06-20'],
  ])('%s', (_name, last, now, expected) => {
    expect(newLocalDay(last, Date.parse(now), TZ)).toBe(expected);
  });
});

describe('tickMsFor', () => {
  it.each([
    ['real speed: the base', 1, 1000, 1000],
    ['a day per second: four checks a day', 86_400, 1000, 250],
    ['absurdly fast: floor of 20 ms', 1e9, 1000, 20],
  ])('%s', (_name, speed, base, expected) => {
    expect(tickMsFor({ speed }, base)).toBe(expected);
  });

  it('uses cron only for the system clock', () => {
    expect([usesCron({ kind: 'system' }), usesCron({ kind: 'simulated' }), usesCron({ kind: 'fixed' })]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('Serial', () => {
  it('runs jobs one at a time in call order, and a failure does not stop the next', async () => {
    const serial = new Serial();
    const log: string[] = [];
    const job =
      (name: string, ms: number, fail = false) =>
      () =>
        new Promise<string>((resolve, reject) => {
          log.push(`start ${name}`);
          setTimeout(() => {
            log.push(`end ${name}`);
            if (fail) reject(new Error(name));
            else resolve(name);
          }, ms);
        });
    const a = serial.run(job('a', 30));
    const b = serial.run(job('b', 1, true));
    const c = serial.run(job('c', 1));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    await serial.idle();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
