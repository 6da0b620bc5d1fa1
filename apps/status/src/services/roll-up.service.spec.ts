import { FixedClock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import type { Likelihood } from '@iw/measures';
import type { ProgressFeed } from '../adapters/progress-feed';
import type { Store, UnitSet } from '../adapters/store';
import { REVS_EVERY_MS, ROLL_UP_MAX_AGE_MS, RollUpService } from './roll-up.service';
import type { ProjectState, TrackingService, TrackingStream } from './tracking.service';
import { timeElapsed } from './views';

/**
 * The roll-up's bookkeeping with the store and the judgement faked: what is judged again, when,
 * and that an answer is always the one a judgement gave. (On real FerretDB and Kafka:
 * test/integration/status/roll-up.spec.ts.)
 */

const TZ = 'Asia/Shanghai';
const NOW = Date.parse('2019-07-01T12:00:00+08:00');

/** The likelihood each project's one indicator is judged to have: what the fake store holds. */
let world: Map<string, Likelihood>;
let revs: Map<string, number>;
let unitSet: UnitSet;
const calls: Array<string[] | 'all' | 'live'> = [];

function state(id: string, likelihood: Likelihood): ProjectState {
  return {
    doc: {
      _id: id,
      name: id,
      budgetUnit: `单位${id.slice(-1)}`,
      fiscalYear: 2019,
      funds: { total: 10, fiscal: 10, other: 0 },
      goal: '',
      tableKind: '项目支出绩效目标表',
      line: 1,
    },
    indicators: [
      {
        status: 'on_track',
        likelihood,
        settled: false,
        units: [{ status: 'on_track', settled: null }],
      },
    ],
    budget: null,
  } as unknown as ProjectState;
}

function stream(ids: string[], now: number): TrackingStream {
  return {
    now,
    fiscalYear: 2019,
    bindingsError: null,
    projects: function* () {
      for (const id of ids) yield state(id, world.get(id)!);
    },
  };
}

function setUp(following = true) {
  world = new Map([
    ['2019.a.p1', '确定能'],
    ['2019.a.p2', '有可能'],
    ['2019.b.p3', '不可能'],
  ]);
  revs = new Map([['2019.a.p1', 1]]);
  unitSet = { fiscalYear: 2019, units: new Map(), catalogue: { projects: [] } } as unknown as UnitSet;
  calls.length = 0;
  const clock = new FixedClock(NOW);
  const real = new FixedClock(1_000_000);
  const tracking = {
    riskConfig: { paceTolerance: 0.1 },
    stream: () => {
      calls.push('live');
      return Promise.resolve(stream([...world.keys()], clock.now()));
    },
    judging: ({ projectIds }: { projectIds?: readonly string[] }) => {
      const ids = projectIds ? [...projectIds] : [...world.keys()];
      calls.push(projectIds ? [...ids].sort() : 'all');
      return Promise.resolve({
        stream: stream(ids, clock.now()),
        revs: new Map([...revs].filter(([id]) => ids.includes(id))),
        unitSet,
      });
    },
  } as unknown as TrackingService;
  const store = {
    units: () => Promise.resolve({ ...unitSet }),
    evaluations: { revs: () => Promise.resolve(new Map(revs)) },
  } as unknown as Store;
  const feed = { following, epoch: 1, listen: () => undefined } as unknown as ProgressFeed & { epoch: number };
  const config = { timeZone: TZ } as AppConfig;
  const rollUp = new RollUpService(tracking, store, feed, config, clock, real);
  return { rollUp, clock, real, feed };
}

const lights = async (r: RollUpService) =>
  Object.fromEntries((await r.current()).projects.map((p) => [p.view.id, p.view.lights]));

it('judges every request live while the feed is not following', async () => {
  const { rollUp } = setUp(false);
  await rollUp.current();
  await rollUp.current();
  expect(calls).toEqual(['live', 'live']);
});

it('judges once, then only the projects whose progress changed', async () => {
  const { rollUp } = setUp();
  await rollUp.current();
  await rollUp.current();
  expect(calls).toEqual(['all']);
  world.set('2019.a.p2', '不可能');
  rollUp.changed(new Set(['2019.a.p2', '2019.x.unknown']));
  expect((await lights(rollUp))['2019.a.p2']).toEqual({ 确定能: 0, 有可能: 0, 不可能: 1, 无: 0 });
  expect(calls).toEqual(['all', ['2019.a.p2']]);
  await rollUp.current();
  expect(calls).toHaveLength(2);
});

it('judges every project again after a message that names none', async () => {
  const { rollUp } = setUp();
  await rollUp.current();
  rollUp.changed(null);
  await rollUp.current();
  expect(calls).toEqual(['all', ['2019.a.p1', '2019.a.p2', '2019.b.p3']]);
});

it('judges again the projects whose evaluations were written, after comparing revisions in the background', async () => {
  const { rollUp, real } = setUp();
  await rollUp.current();
  revs.set('2019.a.p1', 2);
  revs.set('2019.b.p3', 1);
  world.set('2019.b.p3', '确定能');
  await rollUp.current();
  expect(calls).toEqual(['all']); // not compared yet
  real.advance(REVS_EVERY_MS);
  await rollUp.current(); // starts the comparison
  await new Promise((r) => setImmediate(r));
  expect((await lights(rollUp))['2019.b.p3']).toEqual({ 确定能: 1, 有可能: 0, 不可能: 0, 无: 0 });
  expect(calls).toEqual(['all', ['2019.a.p1', '2019.b.p3']]);
});

it('judges whole before answering on a new local day, another unit set or a new feed epoch', async () => {
  const { rollUp, clock, feed } = setUp();
  await rollUp.current();
  clock.set(Date.parse('2019-07-02T00:00:01+08:00'));
  await rollUp.current();
  expect(calls).toEqual(['all', 'all']);
  unitSet = { ...unitSet, units: new Map() };
  await rollUp.current();
  expect(calls).toEqual(['all', 'all', 'all']);
  (feed as { epoch: number }).epoch += 1;
  await rollUp.current();
  expect(calls).toEqual(['all', 'all', 'all', 'all']);
  await rollUp.current();
  expect(calls).toHaveLength(4);
});

it('past its age bound answers as kept and judges whole in the background, once', async () => {
  const { rollUp, clock } = setUp();
  await rollUp.current();
  world.set('2019.a.p1', '不可能'); // not announced: only a whole judgement reads it
  clock.advance(ROLL_UP_MAX_AGE_MS);
  const kept = await lights(rollUp);
  expect(kept['2019.a.p1']).toEqual({ 确定能: 1, 有可能: 0, 不可能: 0, 无: 0 });
  await new Promise((r) => setImmediate(r));
  expect((await lights(rollUp))['2019.a.p1']).toEqual({ 确定能: 0, 有可能: 0, 不可能: 1, 无: 0 });
  expect(calls).toEqual(['all', 'all']);
});

it('serves the share of the year elapsed as of the request, the rest as judged', async () => {
  const { rollUp, clock } = setUp();
  clock.set(Date.parse('2019-07-01T00:30:00+08:00'));
  const first = await rollUp.current();
  world.set('2019.a.p1', '不可能'); // not announced
  clock.set(Date.parse('2019-07-01T23:30:00+08:00'));
  const later = await rollUp.current();
  expect(later.now).toBe(clock.now());
  expect(later.projects[0].view.timeElapsed).toBe(timeElapsed(2019, clock.now(), TZ));
  expect(later.projects[0].view.timeElapsed).toBeGreaterThan(first.projects[0].view.timeElapsed);
  expect(later.projects[0].view.lights).toEqual(first.projects[0].view.lights);
});
