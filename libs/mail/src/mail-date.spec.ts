import { mailDate } from './mail-date';

describe('mailDate', () => {
  it.each([
    ['2019-06-15T04:00:00Z', 'Asia/Shanghai', 'Sat, 15 Jun 2019 12:00:00 +0800'],
    ['2019-12-31T16:30:05.900Z', 'Asia/Shanghai', 'Wed, 1 Jan 2020 00:30:05 +0800'],
    ['2019-06-15T04:00:00Z', 'UTC', 'Sat, 15 Jun 2019 04:00:00 +0000'],
    ['2019-01-15T12:00:00Z', 'America/New_York', 'Tue, 15 Jan 2019 07:00:00 -0500'],
    ['2019-07-15T12:00:00Z', 'Asia/Kolkata', 'Mon, 15 Jul 2019 17:30:00 +0530'],
  ])('%s in %s → %s', (iso, tz, expected) => {
    expect(mailDate(Date.parse(iso), tz)).toBe(expected);
    // What a mail reader parses is the same instant (to the second).
    expect(Date.parse(expected)).toBe(Math.floor(Date.parse(iso) / 1000) * 1000);
  });
});
