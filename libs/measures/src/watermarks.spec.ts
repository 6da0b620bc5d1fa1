import type { ActualsRole } from '@iw/events';
import { budgetTrackId } from '@iw/targets';
import { loadBindings } from './bindings';
import {
  asOfFor,
  judgedAt,
  nextPartitionWatermark,
  boundSources,
  sourcesOf,
  topicWatermark,
  watermarkLagSeconds,
} from './watermarks';
import { fixtureCatalogue } from '../test/fixtures';

const DAY = 86_400_000;
const NOW = Date.parse('2019-06-15T12:00:00+08:00');

describe('nextPartitionWatermark', () => {
  it.each<[string, number | null, { caughtUp: boolean; eventTime: number | null }, number | null]>([
    ['nothing known yet, nothing reported', null, { caughtUp: false, eventTime: null }, null],
    ['caught up: the clock’s now', null, { caughtUp: true, eventTime: null }, NOW],
    ['caught up with events: still the clock’s now', NOW - 5 * DAY, { caughtUp: true, eventTime: NOW - DAY }, NOW],
    ['lagging: the latest event time processed', null, { caughtUp: false, eventTime: NOW - 3 * DAY }, NOW - 3 * DAY],
    ['lagging: moves on with later events', NOW - 3 * DAY, { caughtUp: false, eventTime: NOW - DAY }, NOW - DAY],
    [
      'lagging: a late event (dated before it) does not move it back',
      NOW - DAY,
      { caughtUp: false, eventTime: NOW - 3 * DAY },
      NOW - DAY,
    ],
    ['was current, now behind: stays where it was', NOW - 1000, { caughtUp: false, eventTime: null }, NOW - 1000],
    [
      'an event within the allowed skew ahead of the clock: never past now',
      null,
      { caughtUp: false, eventTime: NOW + 60_000 },
      NOW,
    ],
    [
      'a previous watermark ahead of the clock (clock set back): now',
      NOW + DAY,
      { caughtUp: false, eventTime: null },
      NOW,
    ],
  ])('%s', (_name, previous, report, want) => {
    expect(nextPartitionWatermark(previous, report, NOW)).toBe(want);
  });
});

describe('topicWatermark', () => {
  it.each<[string, Array<number | null>, number | null]>([
    ['the earliest partition', [NOW, NOW - DAY, NOW - 2 * DAY], NOW - 2 * DAY],
    ['one partition', [NOW - DAY], NOW - DAY],
    ['a partition without one: none', [NOW, null], null],
    ['no partitions: none', [], null],
  ])('%s', (_name, partitions, want) => {
    expect(topicWatermark(partitions)).toBe(want);
  });
});

describe('asOfFor', () => {
  const marks = (m: Partial<Record<ActualsRole, number | null>>) =>
    new Map(Object.entries(m) as [ActualsRole, number | null][]);
  it.each<[string, ActualsRole[], Map<ActualsRole, number | null>, number | null]>([
    ['every source current: now', ['cases', 'measurements'], marks({ cases: NOW, measurements: NOW }), NOW],
    [
      'a lagging source holds the unit back',
      ['cases', 'measurements'],
      marks({ cases: NOW - 2 * DAY, measurements: NOW }),
      NOW - 2 * DAY,
    ],
    [
      'the earliest of two lagging sources',
      ['cases', 'spending'],
      marks({ cases: NOW - DAY, spending: NOW - 3 * DAY }),
      NOW - 3 * DAY,
    ],
    ['never after the clock’s now', ['cases'], marks({ cases: NOW + DAY }), NOW],
    ['a source without a watermark: not judged', ['cases', 'measurements'], marks({ measurements: NOW }), null],
    ['other sources’ lag does not matter', ['measurements'], marks({ cases: NOW - 9 * DAY, measurements: NOW }), NOW],
  ])('%s', (_name, sources, watermarks, want) => {
    expect(asOfFor(NOW, sources, watermarks)).toBe(want);
  });
});

describe('judgedAt', () => {
  const iso = (t: number) => new Date(t).toISOString();
  it.each<[string, number, string | null | undefined, number]>([
    ['no event counted yet: the sources’ time', NOW - 2 * DAY, null, NOW - 2 * DAY],
    ['no progress at all: the sources’ time', NOW - 2 * DAY, undefined, NOW - 2 * DAY],
    ['the latest counted event is older: the sources’ time', NOW - 2 * DAY, iso(NOW - 5 * DAY), NOW - 2 * DAY],
    [
      'the progress counts an event after the sources’ time (ingest catching up): that event’s time',
      NOW - 5 * DAY,
      iso(NOW - 2 * DAY),
      NOW - 2 * DAY,
    ],
    ['an event within the skew ahead of the clock: never past now', NOW, iso(NOW + 60_000), NOW],
    ['sources current: now', NOW, iso(NOW - DAY), NOW],
    ['an unreadable time is ignored', NOW - DAY, 'not a time', NOW - DAY],
  ])('%s', (_name, sourcesAsOf, lastEventAt, expected) => {
    expect(judgedAt(NOW, sourcesAsOf, lastEventAt)).toBe(expected);
  });
});

describe('watermarkLagSeconds', () => {
  it.each<[number | null, number | null]>([
    [NOW, 0],
    [NOW - DAY, 86_400],
    [NOW + 5000, 0],
    [null, null],
  ])('%s → %s', (w, want) => expect(watermarkLagSeconds(NOW, w)).toBe(want));
});

describe('boundSources and sourcesOf', () => {
  const PID = '2019.新疆维吾尔自治区市场监督管理局.流通领域商品成品油农资产品网络商品质量抽检监测经费';
  const set = loadBindings(
    [
      'version: 1',
      'bindings:',
      '  - project: 流通领域商品、成品油、农资产品、网络商品质量抽检监测经费',
      '    indicators:',
      '      - indicator: 汽油抽检批次',
      '        from: inspectionBatches',
      '        where: { category: 汽油 }',
      '        measure: sum',
      '        field: batches',
      '',
    ].join('\n'),
    fixtureCatalogue(),
    { timeZone: 'Asia/Shanghai' },
  );
  const bound = boundSources(set);
  const sourcesOfId = (id: string) => sourcesOf(set.units.get(id)!, bound);

  it.each<[string, string, ActualsRole[]]>([
    [
      'a bound indicator: its binding’s topic and measurements',
      `${PID}.汽油抽检批次`,
      ['inspectionBatches', 'measurements'],
    ],
    ['a budget execution: spending and measurements', budgetTrackId(PID), ['spending', 'measurements']],
  ])('%s', (_name, id, want) => {
    expect(sourcesOfId(id)).toEqual(want);
  });

  it('every other unit: measurements (which address any unit by id)', () => {
    const unbound = [...set.units.values()].filter((u) => u.kind !== 'budget' && u.id !== `${PID}.汽油抽检批次`);
    expect(unbound.length).toBeGreaterThan(10);
    for (const u of unbound) expect(sourcesOf(u, bound)).toEqual(['measurements']);
  });

  it('keeps an entry for bound units only, units fed alike sharing one list', () => {
    expect([...bound.keys()]).toEqual([`${PID}.汽油抽检批次`]);
    const budgets = [...set.units.values()].filter((u) => u.kind === 'budget');
    expect(budgets.length).toBeGreaterThan(1);
    expect(sourcesOf(budgets[0], bound)).toBe(sourcesOf(budgets[1], bound));
  });
});
