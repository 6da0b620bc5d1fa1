import {
  DEFAULT_POLICY,
  digestSlotAtOrBefore,
  nextDigestSlot,
  parsePolicy,
  policyBase,
  routeFor,
  type AlertLabels,
  type NotificationPolicy,
} from './policy';
import * as fs from 'node:fs';
import * as path from 'node:path';

const DAY = 86_400_000;
const TZ = 'Asia/Shanghai';

function policyOf(text: string): NotificationPolicy {
  const { policy, problems } = parsePolicy(text);
  if (!policy) throw new Error(problems.map((p) => `${p.line}: ${p.message}`).join('\n'));
  return policy;
}

describe('parsePolicy', () => {
  it('an empty file is the defaults', () => {
    expect(parsePolicy('').policy).toEqual(DEFAULT_POLICY);
  });

  it('the sample file parses and keeps the documented defaults', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../../samples/policy.yaml'), 'utf8');
    const policy = policyOf(text);
    expect(policy.defaults).toEqual(DEFAULT_POLICY.defaults);
    expect(policy.digest).toEqual({ weekday: 1, hour: 9, minute: 0 });
    expect(policy.routes).toEqual([]);
  });

  it('takes the environment’s durations for the keys it leaves unset', () => {
    const base = policyBase({ groupWaitMs: 0, groupIntervalMs: 5 * 60_000, repeatIntervalMs: DAY });
    const { policy } = parsePolicy('defaults:\n  group_wait: 10s\nroutes:\n  - match: { status: off_track }\n', base);
    expect(policy?.defaults).toEqual({
      ...DEFAULT_POLICY.defaults,
      groupWaitMs: 10_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: DAY,
    });
    expect(
      routeFor(policy!, { agency: null, projectId: 'p', projectName: 'p', status: 'off_track' }).groupIntervalMs,
    ).toBe(300_000);
  });

  it('reads defaults, the digest and routes', () => {
    const policy = policyOf(
      [
        'version: 1',
        'defaults:',
        '  receivers: owners',
        '  group_wait: 1m',
        '  group_interval: 2h',
        '  repeat_interval: 14d',
        '  escalate_after: 3d',
        '  digest: { day: friday, time: "16:30" }',
        'routes:',
        '  - match: { status: [off_track, missed], agency: 市交通局 }',
        '    receivers: [owners, office]',
        '    escalate_after: 0',
        '    group_interval: 10m',
      ].join('\n'),
    );
    expect(policy.defaults).toEqual({
      receivers: ['owners'],
      groupWaitMs: 60_000,
      groupIntervalMs: 2 * 3_600_000,
      repeatIntervalMs: 14 * DAY,
      escalateAfterMs: 3 * DAY,
      noDataReminder: true,
    });
    expect(policy.digest).toEqual({ weekday: 5, hour: 16, minute: 30 });
    expect(policy.routes).toEqual([
      {
        match: { status: ['off_track', 'missed'], agency: ['市交通局'] },
        settings: { receivers: ['owners', 'office'], escalateAfterMs: 0, groupIntervalMs: 600_000 },
        line: 10,
      },
    ]);
  });

  it.each([
    ['bogus: 1', 1, 'unknown key "bogus"'],
    ['version: 2', 1, 'version: must be 1'],
    ['defaults:\n  group_wait: soon', 2, 'defaults.group_wait: "soon" is not a duration'],
    [
      'routes:\n  - match: { status: at_risk }\n    group_interval: often',
      3,
      'routes[0].group_interval: "often" is not a duration',
    ],
    ['defaults:\n  receivers: [owners, boss]', 2, 'defaults.receivers: "boss" is not a receiver'],
    ['defaults:\n  digest: { day: someday }', 2, 'defaults.digest.day: "someday" is not a weekday'],
    ['defaults:\n  digest:\n    time: "25:00"', 3, 'defaults.digest.time: "25:00" is not a local time'],
    ['defaults:\n  repeat_every: 7d', 2, 'defaults: unknown key "repeat_every"'],
    ['routes:\n  - receivers: [office]', 2, 'routes[0].match: required'],
    ['routes:\n  - match: { status: late }', 2, 'routes[0].match.status: "late" is not a status'],
    ['routes:\n  - match: { region: x }', 2, 'routes[0].match: unknown key "region"'],
    ['routes:\n  - match: { agency: x }\n    wait: 1m', 3, 'routes[0]: unknown key "wait"'],
    ['routes: {}', 1, 'routes: expected a list'],
    ['defaults:\n  no_data_reminder: sometimes', 2, 'defaults.no_data_reminder: expected true or false'],
    ['defaults: [1', 1, 'YAML:'],
    ['defaults:\n  group_wait: 1m\n  group_wait: 2m', 3, 'YAML:'],
  ])('%j → line %d: %s', (text, line, message) => {
    const { policy, problems } = parsePolicy(text);
    expect(policy).toBeNull();
    expect(problems[0].line).toBe(line);
    expect(problems[0].message).toContain(message);
  });
});

describe('routeFor', () => {
  const policy = policyOf(
    [
      'defaults:',
      '  repeat_interval: 7d',
      'routes:',
      '  - match: { agency: 市交通局, status: off_track }',
      '    receivers: [owners, office]',
      '  - match: { project: [城市道路养护, 2019.xyz] }',
      '    repeat_interval: 0',
      '  - match: { agency: 市交通局 }',
      '    escalate_after: 1d',
    ].join('\n'),
  );
  const labels = (over: Partial<AlertLabels>): AlertLabels => ({
    agency: '市交通局',
    projectId: '2019.abc',
    projectName: '公交运营补贴',
    status: 'at_risk',
    ...over,
  });
  it.each<[string, Partial<AlertLabels>, object]>([
    ['first match wins: agency and status', { status: 'off_track' }, { receivers: ['owners', 'office'] }],
    ['project by name', { projectName: '城市道路养护', status: 'off_track' }, { receivers: ['owners', 'office'] }],
    ['project by name, other agency', { agency: '市卫健委', projectName: '城市道路养护' }, { repeatIntervalMs: 0 }],
    ['project by id', { agency: null, projectId: '2019.xyz' }, { repeatIntervalMs: 0 }],
    ['agency alone', {}, { escalateAfterMs: DAY }],
    ['nothing matches: defaults', { agency: '市卫健委' }, {}],
    ['no agency never matches an agency matcher', { agency: null }, {}],
  ])('%s', (_name, over, expected) => {
    expect(routeFor(policy, labels(over))).toEqual({ ...policy.defaults, ...expected });
  });
});

describe('weekly digest slots (Monday 09:00, Asia/Shanghai)', () => {
  const monday9 = { weekday: 1, hour: 9, minute: 0 };
  // 2019-05-13 is a Monday; 09:00 in Shanghai is 01:00Z.
  it.each([
    ['2019-05-13T01:00:00Z', '2019-05-13T01:00:00Z', '2019-05-20T01:00:00Z'],
    ['2019-05-13T00:59:59Z', '2019-05-06T01:00:00Z', '2019-05-13T01:00:00Z'],
    ['2019-05-15T12:00:00Z', '2019-05-13T01:00:00Z', '2019-05-20T01:00:00Z'],
    ['2019-05-19T23:00:00Z', '2019-05-13T01:00:00Z', '2019-05-20T01:00:00Z'],
  ])('at %s: last %s, next %s', (now, last, next) => {
    expect(new Date(digestSlotAtOrBefore(Date.parse(now), monday9, TZ)).toISOString()).toBe(
      new Date(last).toISOString(),
    );
    expect(new Date(nextDigestSlot(Date.parse(now), monday9, TZ)).toISOString()).toBe(new Date(next).toISOString());
  });
});
