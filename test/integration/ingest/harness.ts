/**
 * Runs the real ingest app (compiled, as `npm start` does) against a database and topic set of
 * the test's own, publishes traffic, and reads back what the pipeline keeps.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { budgetTrackId, indicatorId, parseTargetTable, projectId, type ParsedCatalogue } from '@iw/targets';
import { KafkaAdmin, KafkaClient, KafkaProducer } from '@iw/kafka';
import { connectMongo, importCatalogue, progressOf, type Connection } from '@iw/mongo';
import { keyFor } from '@iw/events';
import type { TopicRole } from '@iw/config';
import { spawnApp, testKafkaConfig, uniqueId, waitFor, type AppProcess } from '@iw/testing';
import { P_FOOD, P_INSPECT, SURVEY_KEY, type Ids, type Published, type Totals } from './traffic';

/** The sample table's 预算单位 (the agency its ids carry). */
export const SEED_AGENCY = '新疆维吾尔自治区市场监督管理局';

const ROOT = path.resolve(__dirname, '../../..');
export const SEED_FILE = path.join(ROOT, 'samples/targets-2019-xinjiang-market-supervision.txt');

export function seedCatalogue(): ParsedCatalogue {
  return parseTargetTable(fs.readFileSync(SEED_FILE, 'utf8'));
}

const P1 = '个体私营经济发展、“小个专”党建工作及地理标志商标宣传经费';
export const TRAFFIC_IDS: Ids = {
  latestIndicator: indicatorId(2019, SEED_AGENCY, P1, '地州示范带动率'),
  milestoneIndicator: indicatorId(2019, SEED_AGENCY, P1, '打造非公党建示范点完成时间'),
  projectId: projectId(2019, SEED_AGENCY, P_INSPECT),
};

export const UNIT = {
  gasoline: indicatorId(2019, SEED_AGENCY, P_INSPECT, '汽油抽检批次'),
  coverage: indicatorId(2019, SEED_AGENCY, P_INSPECT, '抽检地州（市）覆盖率'),
  cost: indicatorId(2019, SEED_AGENCY, P_INSPECT, '汽油和柴油抽检每批次费用'),
  cases: indicatorId(2019, SEED_AGENCY, P_INSPECT, '发现问题处置率'),
  food: indicatorId(2019, SEED_AGENCY, P_FOOD, '食品监督抽验合格率'),
  survey: indicatorId(2019, SEED_AGENCY, P_INSPECT, SURVEY_KEY),
  budget: budgetTrackId(projectId(2019, SEED_AGENCY, P_INSPECT)),
  latest: TRAFFIC_IDS.latestIndicator,
  milestone: TRAFFIC_IDS.milestoneIndicator,
};

export async function importSeed(mongoUrl: string): Promise<void> {
  const conn = await connectMongo(mongoUrl);
  try {
    await importCatalogue(conn, seedCatalogue(), { sourceFile: SEED_FILE, now: new Date() });
  } finally {
    await conn.close();
  }
}

export function startIngest(env: Record<string, string>): AppProcess {
  return spawnApp({
    entry: 'dist/apps/ingest/src/main.js',
    env: { IW_METRICS_PORT_INGEST: '0', IW_LOG_LEVEL: 'log', ...env },
  });
}

export async function publish(
  topics: Record<TopicRole, string>,
  events: Published[],
  raw: Array<{ role: TopicRole; key: string | null; value: string | Buffer }> = [],
): Promise<void> {
  const producer = new KafkaProducer(new KafkaClient(testKafkaConfig()));
  await producer.connect();
  try {
    const byTopic = new Map<string, Array<{ key: string | null; value: string | Buffer }>>();
    const add = (role: TopicRole, m: { key: string | null; value: string | Buffer }) => {
      const t = topics[role];
      byTopic.set(t, [...(byTopic.get(t) ?? []), m]);
    };
    for (const e of events)
      add(e.role, { key: keyFor(e.role as never, e.event as never), value: JSON.stringify(e.event) });
    for (const r of raw) add(r.role, { key: r.key, value: r.value });
    for (const [topic, messages] of byTopic) {
      for (let i = 0; i < messages.length; i += 500) await producer.send(topic, messages.slice(i, i + 500));
    }
  } finally {
    await producer.disconnect();
  }
}

/** Waits until the group has committed everything published to `topics`. */
export async function waitForDrain(groupId: string, topics: string[], timeoutMs = 120_000): Promise<void> {
  const admin = new KafkaAdmin(new KafkaClient(testKafkaConfig()));
  await admin.connect();
  try {
    await waitFor(
      async () => {
        const lags = await admin.lag(groupId, topics);
        return lags.length > 0 && lags.every((l) => l.lag === 0 && (l.committed !== null || l.end === '0'));
      },
      { timeoutMs, intervalMs: 500 },
    );
  } finally {
    await admin.disconnect();
  }
}

export async function observedTotals(conn: Connection): Promise<Omit<Totals, 'eventsByEventId'>> {
  const docs = new Map(
    (
      await progressOf(conn)
        .find({ _id: { $in: Object.values(UNIT) } })
        .toArray()
    ).map((d) => [d._id, d]),
  );
  const g = (id: string) => docs.get(id);
  return {
    gasolineBatches: g(UNIT.gasoline)?.actual ?? 0,
    coverageRegions: g(UNIT.coverage)?.numerator ?? 0,
    costSum: g(UNIT.cost)?.numerator ?? 0,
    costBatches: g(UNIT.cost)?.denominator ?? 0,
    casesClosed: g(UNIT.cases)?.numerator ?? 0,
    casesOpened: g(UNIT.cases)?.denominator ?? 0,
    foodQualified: g(UNIT.food)?.numerator ?? 0,
    foodBatches: g(UNIT.food)?.denominator ?? 0,
    surveySatisfied: g(UNIT.survey)?.numerator ?? 0,
    surveyRespondents: g(UNIT.survey)?.denominator ?? 0,
    spentYuan: Math.round((g(UNIT.budget)?.numerator ?? 0) * 100) / 100,
    latestValue: g(UNIT.latest)?.actual ?? null,
    milestoneDone: g(UNIT.milestone)?.done ?? null,
  };
}

export function withoutCount(t: Totals): Omit<Totals, 'eventsByEventId'> {
  const { eventsByEventId: _, ...rest } = t;
  return rest;
}

export const groupId = () => uniqueId('ingest');

/** Messages an ingest instance has read (iw_ingest_events_total over topics and outcomes), from its own /metrics. */
export async function eventsRead(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^iw_ingest_events_total\{[^}]*\} (\d+)/gm)) n += Number(m[1]);
  return n;
}
