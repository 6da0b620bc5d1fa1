import { applyEvents, progressMessageOf, type MeasureInput, type TrackedUnit } from '@iw/measures';
import { KafkaClient, KafkaProducer } from '@iw/kafka';
import { EvaluationRepository, ProgressRepository, connectMongo, type Connection, type EvaluationDoc } from '@iw/mongo';
import { testKafkaConfig, waitFor } from '@iw/testing';
import { ProgressFeed } from '../../../apps/status/src/adapters/progress-feed';
import {
  AgencyListSchema,
  ProjectListSchema,
  type AgencyList,
  type ProjectList,
} from '../../../apps/status/src/dtos/project.dto';
import { OpsStatusSchema } from '../../../apps/status/src/dtos/status.dto';
import { ProjectsService } from '../../../apps/status/src/services/projects.service';
import { TrackingService } from '../../../apps/status/src/services/tracking.service';
import { ROLL_UP_MAX_AGE_MS } from '../../../apps/status/src/services/roll-up.service';
import { projectView } from '../../../apps/status/src/services/views';
import { IDS, NOW, SEED_AGENCY, TZ, startHarness, type StatusHarness } from './harness';

/**
 * The whole-province lists (GET /api/agencies, /api/projects, the landing page, /status) are
 * served from a roll-up kept in the status process. Against real FerretDB and Kafka: it follows
 * a progress change once ingest's `indicators.progress` message says so, an evaluation alerting
 * wrote, and a new local day — each time equal to a live judgement of every project — and it is
 * kept (a write nobody announced does not show before the next whole judgement).
 */

jest.setTimeout(120_000);

let h: StatusHarness;
let conn: Connection;
let producer: KafkaProducer;

beforeAll(async () => {
  h = await startHarness();
  conn = await connectMongo(h.mongoUrl);
  producer = new KafkaProducer(new KafkaClient(testKafkaConfig()));
  await producer.connect();
  const feed = h.app.get(ProgressFeed);
  await waitFor(() => feed.following, {
    timeoutMs: 60_000,
    message: 'the status app never followed indicators.progress',
  });
});
afterAll(async () => {
  await producer?.disconnect();
  await conn?.close();
  await h?.close();
});

async function served(): Promise<AgencyList> {
  const res = await h.get('/api/agencies');
  expect(res.status).toBe(200);
  return AgencyListSchema.parse(await res.json());
}

/** The project list as every request computed it before it was kept: every project judged now. */
async function liveProjects(): Promise<ProjectList> {
  const tracking = h.app.get(TrackingService);
  const t = await tracking.stream();
  const projects = [...t.projects()].map((p) => projectView(p, t.now, TZ, tracking.riskConfig.paceTolerance));
  return { now: new Date(t.now).toISOString(), fiscalYear: t.fiscalYear, projects };
}

/** The agencies' roll-up judged live. */
async function live(): Promise<AgencyList> {
  const list = await liveProjects();
  return h.app.get(ProjectsService).agencies(list, list.projects);
}

const seedRow = (l: AgencyList) => l.agencies.find((a) => a.agency === SEED_AGENCY)!;
/** Everything but `now` (a live judgement and a served one are not the same millisecond). */
const figures = (l: AgencyList) => ({ ...l, now: undefined });

function unit(id: string): TrackedUnit {
  const u = h.units.get(id);
  if (!u) throw new Error(`no unit ${id}`);
  return u;
}

let offset = 1000;
/** Applies one event to a unit's stored progress, as ingest would; announces it on indicators.progress unless `silent`. */
async function record(id: string, occurredAt: string, input: MeasureInput, silent = false): Promise<void> {
  const u = unit(id);
  const repo = new ProgressRepository(conn);
  const [written] = await repo.update(
    [id],
    (before) => {
      const p = applyEvents(
        before,
        { id, measure: u.measure, period: u.period, scale: u.scale, of: u.of },
        [
          {
            trackedId: id,
            eventId: `${id}#r${offset}`,
            occurredAt,
            input,
            position: { topic: 'r', partition: 0, offset: offset++ },
          },
        ],
        TZ,
      );
      p.version = (before?.version ?? 0) + 1;
      return { progress: p, indicatorId: u.indicatorId, projectId: u.projectId };
    },
    new Date(h.clock.now()),
  );
  if (silent) return;
  await producer.sendJson(h.topics.progress, [
    {
      key: id,
      value: progressMessageOf(
        written,
        { indicatorId: u.indicatorId, projectId: u.projectId },
        new Date().toISOString(),
      ),
    },
  ]);
}

it('starts equal to a live judgement of every project', async () => {
  const first = await served();
  expect(figures(first)).toEqual(figures(await live()));
  expect(seedRow(first).spent).toBeGreaterThan(0);
});

it('keeps what it judged: a progress write nobody announced is not read again by the next request', async () => {
  const before = seedRow(await served());
  await record(IDS.inspectBudget, '2019-06-20T10:00:00+08:00', { kind: 'add', value: 100_000 }, true);
  // Not heard: the roll-up was not judged again (a live judgement sees it).
  expect(seedRow(await served()).spent).toBe(before.spent);
  expect(seedRow(await live()).spent).toBeCloseTo((before.spent ?? 0) + 10, 2);
});

it('follows a progress change once indicators.progress announces it, project by project', async () => {
  const before = seedRow(await served());
  await record(IDS.inspectBudget, '2019-06-25T10:00:00+08:00', { kind: 'add', value: 50_000 });
  // Both writes show now: the announced one made the project be judged again from the store.
  const after = await waitFor(
    async () => {
      const l = await served();
      return seedRow(l).spent !== before.spent ? l : null;
    },
    { timeoutMs: 15_000, message: 'the roll-up never followed the announced progress' },
  );
  expect(seedRow(after).spent).toBeCloseTo((before.spent ?? 0) + 15, 2);
  expect(figures(after)).toEqual(figures(await live()));
  // The project list reads the same roll-up.
  const projects = ProjectListSchema.parse(await (await h.get('/api/projects')).json());
  expect(projects.projects).toEqual((await liveProjects()).projects);
});

it('follows an evaluation alerting wrote (a settled status) once its revision was compared', async () => {
  const before = seedRow(await served());
  const repo = new EvaluationRepository(conn);
  const stored = (await repo.one(IDS.gasoline)) ?? null;
  const doc: EvaluationDoc = {
    _id: IDS.gasoline,
    kind: 'indicator',
    projectId: IDS.inspect,
    indicatorId: IDS.gasoline,
    status: 'off_track',
    likelihood: '不可能',
    since: new Date(NOW - 86_400_000),
    pending: null,
    evaluatedStatus: 'off_track',
    actual: 300,
    expected: 349,
    forecast: 500,
    reason: '进度落后',
    daysLeft: 183,
    deadline: '2019-12-31',
    warningDays: null,
    progressVersion: 1,
    evaluatedAt: new Date(NOW),
    rev: (stored?.rev ?? 0) + 1,
  };
  await repo.save([{ doc, expectedRev: stored?.rev ?? null }]);
  const after = await waitFor(
    async () => {
      const l = await served();
      return seedRow(l).likelihoods.不可能 !== before.likelihoods.不可能 ? l : null;
    },
    { timeoutMs: 40_000, intervalMs: 500, message: 'the roll-up never followed the evaluation' },
  );
  expect(seedRow(after).likelihoods.不可能).toBe(before.likelihoods.不可能 + 1);
  expect(figures(after)).toEqual(figures(await live()));
  const ops = OpsStatusSchema.parse(await (await h.get('/status')).json());
  expect(ops.indicators.byStatus.off_track).toBeGreaterThanOrEqual(1);
});

it('judges again on a new local day, minutes after the last judgement: progress dated tomorrow counts from tomorrow', async () => {
  try {
    // Five minutes to midnight: judged whole again (the last whole judgement is older than its bound).
    h.clock.set(Date.parse('2019-07-01T23:55:00+08:00'));
    const today = await served();
    expect(figures(today)).toEqual(figures(await live()));
    // Spent just after midnight (announced now): not part of today's figures, live or served.
    await record(IDS.inspectBudget, '2019-07-02T00:01:00+08:00', { kind: 'add', value: 200_000 });
    await new Promise((r) => setTimeout(r, 1500));
    const still = await served();
    expect(seedRow(still).spent).toBe(seedRow(today).spent);
    expect(figures(still)).toEqual(figures(await live()));
    // Seven minutes later it is another day: judged again although the judgement is recent.
    h.clock.set(Date.parse('2019-07-02T00:02:00+08:00'));
    const tomorrow = await served();
    expect(seedRow(tomorrow).spent).toBeCloseTo((seedRow(today).spent ?? 0) + 20, 2);
    expect(figures(tomorrow)).toEqual(figures(await live()));
  } finally {
    h.clock.set(NOW);
  }
});

it('judges whole again once the last whole judgement is older than its bound, within a day', async () => {
  try {
    h.clock.set(Date.parse('2019-07-01T13:00:00+08:00'));
    await served();
    // A write nobody announced: only a whole judgement reads it.
    await record(IDS.inspectBudget, '2019-07-01T13:01:00+08:00', { kind: 'add', value: 10_000 }, true);
    h.clock.set(Date.parse('2019-07-01T13:00:00+08:00') + ROLL_UP_MAX_AGE_MS - 60_000);
    const within = await served();
    expect(figures(within)).not.toEqual(figures(await live()));
    h.clock.set(Date.parse('2019-07-01T13:00:00+08:00') + ROLL_UP_MAX_AGE_MS + 60_000);
    // Judged whole again in the background: the answers follow within a judgement's time.
    await waitFor(
      async () => {
        expect(figures(await served())).toEqual(figures(await live()));
        return true;
      },
      { timeoutMs: 20_000, intervalMs: 300, message: 'the roll-up was never judged whole again' },
    );
  } finally {
    h.clock.set(NOW);
  }
});
