import { applyEvents, type AppliedEvent, type MeasureInput, type Progress, type TrackedUnit } from '@iw/measures';
import { ProgressRepository, connectMongo } from '@iw/mongo';
import { reportLikelihood } from '@iw/report';
import { indicatorId } from '@iw/targets';
import { IDS, startHarness, TZ, type StatusHarness } from './harness';

/** The sample table's 预算单位 (the agency its ids carry). */
const SEED_AGENCY = '新疆维吾尔自治区市场监督管理局';

/**
 * One rule for when an event counts: from its occurredAt on, in the live view (API, dashboard)
 * and in the 绩效监控表 as of any date alike. Stored progress may hold events dated after the
 * clock's now — one within the clock-skew allowance, or one stored before ingest refused
 * future events — and for every date the live view must say what the report as of that date says.
 */

jest.setTimeout(180_000);

const P1 = '个体私营经济发展、“小个专”党建工作及地理标志商标宣传经费';
const MILESTONE = indicatorId(2019, SEED_AGENCY, P1, '打造非公党建示范点完成时间');

let h: StatusHarness;
beforeAll(async () => {
  h = await startHarness();
  const conn = await connectMongo(h.mongoUrl);
  try {
    const repo = new ProgressRepository(conn);
    const unit = (id: string) => h.units.get(id) as TrackedUnit;
    const stored = (await repo.one(IDS.gasoline)) as Progress;
    const add = (p: Progress | null, u: TrackedUnit, events: Array<[string, MeasureInput]>, from: number) =>
      applyEvents(
        p,
        { id: u.id, measure: u.measure, period: u.period, scale: u.scale, of: u.of },
        events.map(([occurredAt, input], i): AppliedEvent => ({
          trackedId: u.id,
          eventId: `late-${u.id}-${i}`,
          occurredAt,
          input,
          position: { topic: 'later', partition: 0, offset: from + i },
        })),
        TZ,
      );
    const gasoline = add(
      stored,
      unit(IDS.gasoline),
      [
        ['2019-07-01T00:02:00+08:00', { kind: 'add', value: 7 }], // 4 minutes after 23:58 on 30 June
        ['2019-12-30T10:00:00+08:00', { kind: 'add', value: 400 }],
      ],
      0,
    );
    // The documented milestone example: done on 28 October.
    const milestone = add(null, unit(MILESTONE), [['2019-10-28T17:30:00+08:00', { kind: 'milestone', done: true }]], 0);
    await repo.save(
      [gasoline, milestone].map((p) => ({
        progress: p,
        indicatorId: unit(p.id).indicatorId,
        projectId: unit(p.id).projectId,
      })),
      new Date(h.clock.now()),
    );
  } finally {
    await conn.close();
  }
});
afterAll(async () => {
  await h?.close();
});

async function json(path: string): Promise<any> {
  const res = await h.get(path);
  expect(res.status).toBe(200);
  return res.json();
}

/** What the live API says of an indicator, and what the report as of the clock's date says. */
async function both(id: string, projectId: string, asOf: string) {
  const live = await json(`/api/indicators/${encodeURIComponent(id)}`);
  const report = await json(`/api/projects/${encodeURIComponent(projectId)}/monitoring-report?asOf=${asOf}`);
  const row = report.indicators.find((r: { indicatorId: string }) => r.indicatorId === id);
  return {
    // The report writes 不可能 as the official form does (完全不可能).
    live: { status: live.status, likelihood: reportLikelihood(live.likelihood) },
    report: { status: row.status, likelihood: row.likelihood },
    actual: live.actual,
  };
}

const MOMENTS = [
  '2019-06-30T12:00:00+08:00',
  '2019-06-30T23:58:00+08:00',
  '2019-07-01T12:00:00+08:00',
  '2019-10-27T12:00:00+08:00',
  '2019-10-28T12:00:00+08:00',
  '2019-10-28T18:00:00+08:00',
  '2019-10-29T12:00:00+08:00',
  '2019-12-29T12:00:00+08:00',
  '2019-12-30T12:00:00+08:00',
  '2019-12-31T12:00:00+08:00',
];

it.each(MOMENTS)('at %s the live view and the report as of that date agree', async (moment) => {
  h.clock.set(moment);
  const asOf = moment.slice(0, 10);
  const gas = await both(IDS.gasoline, IDS.inspect, asOf);
  const ms = await both(MILESTONE, h.units.get(MILESTONE)!.projectId, asOf);
  expect(gas.live).toEqual(gas.report);
  expect(ms.live).toEqual(ms.report);
  // The figures themselves: an event counts from its day on, never before.
  const expectedBatches = 300 + (asOf >= '2019-07-01' ? 7 : 0) + (asOf >= '2019-12-30' ? 400 : 0);
  expect(gas.actual).toBe(expectedBatches);
  expect(ms.actual).toBe(asOf >= '2019-10-28' ? 1 : null);
  if (asOf < '2019-10-28') expect(ms.live.status).not.toBe('achieved');
});
