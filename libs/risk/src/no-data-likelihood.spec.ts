import type { Progress } from '@iw/measures';
import type { UnitTarget } from './evaluation';
import { evaluate } from './evaluate';
import { input, num, progress } from '../test/helpers';
import { hasData, likelihoodOf, shownStatus, type Status } from './status';
import type { Likelihood } from '@iw/measures';

const by = (date: string): UnitTarget => ({ kind: 'deadline', by: date });
const win = (from: string, to: string): UnitTarget => ({ kind: 'window', from, to });

/**
 * An indicator without data is never 确定能 (docs/domain.md): the status an alerting decision
 * rests on may stay on_track (no alert, no 缺报提醒 inside the grace period), but the
 * 完成目标可能性 is 暂无 and the indicator is shown as 暂无数据 — the monitoring report, the
 * dashboard's lights and its badges all read it from here.
 */
describe('no data, no certainty', () => {
  it.each<[string, UnitTarget, Progress['measure'] | null, Progress | null, string, Status, Likelihood | null, Status]>(
    [
      // Deadlines bound to a milestone, nothing reported: these read 确定能 / 预计能完成 before.
      ['deadline far off, no event', by('2019-10-31'), 'milestone', null, '2019-03-01', 'on_track', null, 'no_data'],
      [
        'deadline far off, milestone not done (no event)',
        by('2019-10-31'),
        'milestone',
        progress('milestone', { done: false, eventCount: 0 }),
        '2019-03-01',
        'on_track',
        null,
        'no_data',
      ],
      ['deadline fed by a count, no event', by('2019-11-30'), 'count', null, '2019-06-01', 'on_track', null, 'no_data'],
      [
        'window not yet open, no event',
        win('2019-09-01', '2019-09-30'),
        'count',
        null,
        '2019-06-01',
        'on_track',
        null,
        'no_data',
      ],
      [
        'window open, no event yet',
        win('2019-05-01', '2019-09-30'),
        'count',
        null,
        '2019-06-01',
        'on_track',
        null,
        'no_data',
      ],
      [
        'count in the grace period',
        num('>=', 30, '个'),
        'count',
        progress('count'),
        '2019-01-10',
        'on_track',
        null,
        'no_data',
      ],
      [
        'a cap nothing was spent against',
        { ...num('<=', 50, '万元') },
        'sum',
        null,
        '2019-06-01',
        'on_track',
        null,
        'no_data',
      ],
      // Decided or worrying without data keeps its likelihood: near a deadline, past it, no data after the grace.
      ['deadline near, not done', by('2019-06-20'), 'milestone', null, '2019-06-01', 'at_risk', '有可能', 'at_risk'],
      ['deadline passed, not done', by('2019-05-31'), 'milestone', null, '2019-06-01', 'missed', '不可能', 'missed'],
      [
        'count after the grace period',
        num('>=', 30, '个'),
        'count',
        progress('count'),
        '2019-03-01',
        'no_data',
        null,
        'no_data',
      ],
      // With data: 确定能 as before.
      [
        'milestone done',
        by('2019-10-31'),
        'milestone',
        progress('milestone', { done: true, doneAt: '2019-02-01T10:00:00+08:00' }),
        '2019-03-01',
        'achieved',
        '确定能',
        'achieved',
      ],
      [
        'deadline fed by a count, reported',
        by('2019-11-30'),
        'count',
        progress('count', { actual: 1, firstEventAt: '2019-02-01T10:00:00+08:00' }),
        '2019-03-01',
        'achieved',
        '确定能',
        'achieved',
      ],
      [
        'a count ahead of its pace',
        num('>=', 30, '个'),
        'count',
        progress('count', { actual: 20, eventCount: 20 }),
        '2019-06-01',
        'on_track',
        '确定能',
        'on_track',
      ],
    ],
  )('%s', (_, target, measure, p, now, status, likelihood, shown) => {
    const e = evaluate(input(target, measure, p, now));
    expect([e.status, e.likelihood, shownStatus(e.status, e.likelihood)]).toEqual([status, likelihood, shown]);
  });

  it.each<[Pick<Progress, 'eventCount' | 'done' | 'assessment'> | null, boolean]>([
    [null, false],
    [{ eventCount: 0 }, false],
    [{ eventCount: 0, done: false }, false],
    [{ eventCount: 0, done: true }, true],
    [{ eventCount: 3 }, true],
    [
      {
        eventCount: 0,
        assessment: { likelihood: '有可能', text: '', at: '2019-06-01T00:00:00Z' },
      },
      true,
    ],
  ])('hasData(%p) → %p', (p, want) => expect(hasData(p)).toBe(want));

  it('likelihoodOf drops 确定能 only, and only without data', () => {
    expect(likelihoodOf('on_track', false)).toBeNull();
    expect(likelihoodOf('on_track')).toBe('确定能');
    expect(likelihoodOf('achieved', false)).toBe('确定能');
    expect(likelihoodOf('at_risk', false)).toBe('有可能');
    expect(shownStatus('on_track', '确定能')).toBe('on_track');
    expect(shownStatus('manual', null)).toBe('manual');
  });
});
