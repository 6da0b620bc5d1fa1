import { pendingDueAt, settle, type SettledStatus } from './settle';
import type { Status } from './status';

const H = 3_600_000;

/** Feeds `steps` ([time in hours, status]) through settle and returns the settled status after each. */
function run(steps: [number, Status][], pendingForMs: number): Status[] {
  let s: SettledStatus | null = null;
  return steps.map(([h, status]) => {
    s = settle(s, status, h * H, pendingForMs);
    return s.status;
  });
}

describe('settle (anti-flap)', () => {
  it.each<[string, [number, Status][], number, Status[]]>([
    ['the first status counts at once', [[0, 'at_risk']], H, ['at_risk']],
    [
      'a change counts once it held for the pending time',
      [
        [0, 'on_track'],
        [1, 'at_risk'],
        [1.5, 'at_risk'],
        [2, 'at_risk'],
      ],
      H,
      ['on_track', 'on_track', 'on_track', 'at_risk'],
    ],
    [
      'a change that flaps back never counts',
      [
        [0, 'on_track'],
        [1, 'at_risk'],
        [1.5, 'on_track'],
        [2.25, 'at_risk'],
        [3, 'at_risk'],
        [3.25, 'at_risk'],
      ],
      H,
      ['on_track', 'on_track', 'on_track', 'on_track', 'on_track', 'at_risk'],
    ],
    [
      'a different pending status restarts the wait',
      [
        [0, 'on_track'],
        [1, 'at_risk'],
        [1.5, 'off_track'],
        [2, 'off_track'],
        [2.5, 'off_track'],
      ],
      H,
      ['on_track', 'on_track', 'on_track', 'on_track', 'off_track'],
    ],
    [
      '0 counts at once',
      [
        [0, 'on_track'],
        [1, 'at_risk'],
        [1, 'on_track'],
      ],
      0,
      ['on_track', 'at_risk', 'on_track'],
    ],
    [
      'final statuses count at once',
      [
        [0, 'at_risk'],
        [1, 'missed'],
      ],
      24 * H,
      ['at_risk', 'missed'],
    ],
    [
      'achieved counts at once',
      [
        [0, 'on_track'],
        [1, 'achieved'],
      ],
      24 * H,
      ['on_track', 'achieved'],
    ],
    [
      'leaving a final status waits like any change',
      [
        [0, 'missed'],
        [1, 'at_risk'],
        [1.5, 'at_risk'],
      ],
      H,
      ['missed', 'missed', 'missed'],
    ],
  ])('%s', (_, steps, pendingFor, expected) => {
    expect(run(steps, pendingFor)).toEqual(expected);
  });

  it('keeps `since` at the start of the held status and records the pending one', () => {
    let s = settle(null, 'on_track', 0, H);
    s = settle(s, 'at_risk', 10 * H, H);
    expect(s).toEqual({ status: 'on_track', since: 0, pending: { status: 'at_risk', since: 10 * H } });
    expect(pendingDueAt(s, H)).toBe(11 * H);
    const same = settle(s, 'at_risk', 10.5 * H, H);
    expect(same).toEqual(s);
    s = settle(same, 'at_risk', 11 * H, H);
    expect(s).toEqual({ status: 'at_risk', since: 10 * H });
    expect(pendingDueAt(s, H)).toBeNull();
  });

  it('returns the same object when nothing changes (no allocation on the hot path)', () => {
    const s = settle(null, 'on_track', 0, H);
    expect(settle(s, 'on_track', H, H)).toBe(s);
  });
});
