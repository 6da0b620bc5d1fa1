import { newestValid } from './history.repository';

const v = (id: string, key: string, validFrom: string, yearStart = false) => ({
  _id: id,
  key,
  validFrom: new Date(validFrom),
  yearStart,
});
const at = (iso: string) => Date.parse(iso);

describe('newestValid', () => {
  const docs = [
    v('a@2019-08-01', 'a', '2019-08-01T00:00:00Z'),
    v('a@2019-03-01', 'a', '2019-03-01T00:00:00Z', true), // first import of the year
    v('b@2019-08-01', 'b', '2019-08-01T00:00:00Z'), // added later
    // Stored before history was kept: its baseline is written with the change that follows it, same instant.
    v('c@baseline', 'c', '2019-09-01T00:00:00Z', true),
    v('c@2019-09-01', 'c', '2019-09-01T00:00:00Z'),
  ];

  it.each([
    // at, a, b, c
    ['2019-01-15T00:00:00Z', 'a@2019-03-01', null, 'c@baseline'], // year-start versions count from the start
    ['2019-07-31T23:59:59Z', 'a@2019-03-01', null, 'c@baseline'],
    ['2019-08-01T00:00:00Z', 'a@2019-08-01', 'b@2019-08-01', 'c@baseline'],
    ['2019-09-01T00:00:00Z', 'a@2019-08-01', 'b@2019-08-01', 'c@2019-09-01'], // the change wins over its baseline
  ])('as of %s: %s, %s, %s', (when, a, b, c) => {
    const m = newestValid([...docs], (d) => d.key, at(when));
    expect([m.get('a')?._id ?? null, m.get('b')?._id ?? null, m.get('c')?._id ?? null]).toEqual([a, b, c]);
    expect(m.has('z')).toBe(false); // no history: absent, the caller uses the catalogue
  });

  it('does not depend on the order it is given', () => {
    const m = newestValid([...docs].reverse(), (d) => d.key, at('2019-09-02T00:00:00Z'));
    expect(m.get('c')?._id).toBe('c@2019-09-01');
  });
});
