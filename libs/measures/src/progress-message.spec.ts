import { progressMessageSchema } from '@iw/events';
import type { Progress } from './progress';
import { progressMessageOf } from './progress-message';

const base: Progress = {
  id: 'p.i',
  measure: 'sum',
  actual: 12,
  eventCount: 3,
  firstEventAt: '2019-03-01T02:00:00.000Z',
  lastEventAt: '2019-05-01T02:00:00.000Z',
  history: [],
  period: { from: '2019-01-01', to: '2019-12-31' },
  version: 7,
};
const AT = '2019-05-01T03:00:00.000Z';

describe('progressMessageOf', () => {
  it.each([
    [
      'an indicator',
      base,
      { indicatorId: 'p.i', projectId: 'p' },
      { trackedId: 'p.i', indicatorId: 'p.i', projectId: 'p', actual: 12, version: 7 },
    ],
    [
      "a budget track (no indicator), with a ratio's two sums",
      { ...base, id: 'p#budget', measure: 'ratio', numerator: 3, denominator: 4, actual: 75 },
      { indicatorId: null, projectId: 'p' },
      { trackedId: 'p#budget', indicatorId: null, projectId: 'p', numerator: 3, denominator: 4, actual: 75 },
    ],
    [
      'a unit before any event and any version',
      { ...base, actual: null, lastEventAt: null, version: undefined },
      { indicatorId: 'p.i', projectId: 'p' },
      { trackedId: 'p.i', indicatorId: 'p.i', projectId: 'p', actual: null, lastEventAt: null, version: 0 },
    ],
  ] as const)('%s', (_, progress, unit, expected) => {
    const m = progressMessageOf(progress, unit, AT);
    expect(m).toMatchObject({ ...expected, schemaVersion: 1, at: AT });
    expect(progressMessageSchema.parse(m)).toEqual(m);
    if (progress.numerator === undefined) expect(m).not.toHaveProperty('numerator');
  });
});
