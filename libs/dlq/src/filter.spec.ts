import { DEFAULT_TOPICS, type TopicRole } from '@iw/config';
import { DlqSelectionError, parseDlqSelection } from './filter';

const prefixed = Object.fromEntries(Object.entries(DEFAULT_TOPICS).map(([r, t]) => [r, `p.${t}`])) as Record<
  TopicRole,
  string
>;
const TZ = 'Asia/Shanghai';

describe('parseDlqSelection', () => {
  it.each([
    [{}, {}],
    [{ reason: 'unknown_project' }, { reasons: ['unknown_project'] }],
    [{ reason: 'unknown_project, unbound' }, { reasons: ['unknown_project', 'unbound'] }],
    [{ topic: 'spending' }, { topics: ['p.actuals.spending'] }],
    [{ topic: 'p.actuals.cases,measurements' }, { topics: ['p.actuals.cases', 'p.actuals.measurements'] }],
    [{ since: '2019-07-01' }, { since: new Date('2019-06-30T16:00:00.000Z') }],
    [{ since: '2019-07-01T10:00:00+08:00' }, { since: new Date('2019-07-01T02:00:00.000Z') }],
    [{ state: 'pending' }, { state: 'pending' }],
    [{ state: 'redriven', since: '' }, { state: 'redriven' }],
    [
      { ids: 'p.actuals.spending:0:12, p.actuals.spending:3:7' },
      { ids: ['p.actuals.spending:0:12', 'p.actuals.spending:3:7'] },
    ],
  ])('%o → %o', (selection, filter) => {
    expect(parseDlqSelection(selection, prefixed, TZ)).toEqual(filter);
  });

  it.each([
    [{ reason: 'bogus' }, /unknown reason "bogus"/],
    [{ topic: 'actuals.dlq' }, /unknown topic "actuals.dlq"/],
    [{ topic: 'actuals.spending' }, /unknown topic/], // the configured name has its prefix
    [{ since: '2019-02-30' }, /neither a date/],
    [{ since: 'yesterday' }, /neither a date/],
    [{ since: '2019-07-01T10:00:00' }, /neither a date/],
    [{ state: 'done' }, /pending or redriven/],
    [{ ids: 'nope' }, /not a DLQ record id/],
  ])('refuses %o', (selection, message) => {
    expect(() => parseDlqSelection(selection, prefixed, TZ)).toThrow(DlqSelectionError);
    expect(() => parseDlqSelection(selection, prefixed, TZ)).toThrow(message);
  });
});
