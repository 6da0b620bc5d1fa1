import { AlertActionError } from '@iw/alerts';
import { parseSilenceUntil } from './alert.repository';

describe('parseSilenceUntil', () => {
  it.each([
    ['a local date silences through that day', '2019-07-01', 'Asia/Shanghai', '2019-07-02T00:00:00+08:00'],
    ['the same date in another zone', '2019-07-01', 'UTC', '2019-07-02T00:00:00Z'],
    ['an ISO instant as it is', '2019-07-01T09:30:00+08:00', 'Asia/Shanghai', '2019-07-01T09:30:00+08:00'],
    ['spaces around are fine', ' 2019-12-31 ', 'Asia/Shanghai', '2020-01-01T00:00:00+08:00'],
  ])('%s', (_name, text, tz, expected) => {
    expect(parseSilenceUntil(text, tz)).toBe(Date.parse(expected));
  });

  it.each(['2019-02-30', '2019-13-01', 'tomorrow', '', '01/07/2019', '2019-07-01T99:00'])('rejects %j', (text) => {
    expect(() => parseSilenceUntil(text, 'Asia/Shanghai')).toThrow(AlertActionError);
  });
});
