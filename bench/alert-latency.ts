import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keyFor } from '@iw/events';
import { BatchConsumer, KafkaClient, KafkaProducer } from '@iw/kafka';
import { SmtpSink, type SinkMessage } from '@iw/mail';
import { closeMongo, connectMongo, importCatalogue } from '@iw/mongo';
import { indicatorId, parseOwners, parseTargetTable } from '@iw/targets';
import { testKafkaConfig } from '@iw/testing';
import { BENCH_AGENCY, benchIndicatorName, benchProjectName, ownerOf, ownersYaml, targetTableText } from './catalogue';
import type { BenchOptions } from './options';
import type { AlertLatencyResult, Spread } from './report';
import { spawnBenchApp, type BenchApp } from './spawn';
import { percentile, round } from './stats';
import { BUILD_DIR, sleep, type BenchWorld } from './world';

/** Mid-August 2019: a ≥700 target with 300 done is behind pace (at_risk), not hopeless. */
const SIM_START = '2019-08-15T12:00:00+08:00';
const TIPPING_VALUE = 300;

function measurement(projectIndex: number, runId: string) {
  const id = indicatorId(2019, BENCH_AGENCY, benchProjectName(projectIndex), benchIndicatorName(0));
  const event = {
    eventId: `${runId}-tip-${projectIndex}`,
    occurredAt: '2019-08-10T10:00:00+08:00',
    source: 'bench',
    schemaVersion: 1,
    indicatorId: id,
    kind: 'increment',
    value: TIPPING_VALUE,
  };
  return { key: keyFor('measurements', event as never), value: JSON.stringify(event) };
}

/**
 * Where each mail's latency went: a bare consumer of indicators.progress (a group of its own)
 * notes when each tracked unit's progress message became readable, which splits publish → SMTP
 * into ingest (publish → progress message) and alerting (progress message → SMTP accepted).
 */
class ProgressWatch {
  readonly seen = new Map<string, number>();
  private readonly consumer: BatchConsumer;

  constructor(groupId: string, topic: string, partitions: number) {
    this.consumer = new BatchConsumer(new KafkaClient(testKafkaConfig()), {
      groupId,
      topics: [topic],
      partitionsConsumedConcurrently: partitions,
      maxWaitTimeMs: 100,
    });
  }

  start(): Promise<void> {
    return this.consumer.start(async (batch) => {
      const at = Date.now();
      for (const m of batch.messages) {
        try {
          const id = (JSON.parse(m.value?.toString('utf8') ?? '') as { trackedId?: string }).trackedId;
          if (id && !this.seen.has(id)) this.seen.set(id, at);
        } catch {
          /* not ours to judge */
        }
      }
    });
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

/** p50/p95/max of a list of ms, rounded; nulls when empty. */
function spread(values: number[]): Spread {
  if (!values.length) return { p50Ms: null, p95Ms: null, maxMs: null };
  return {
    p50Ms: round(percentile(values, 50), 0),
    p95Ms: round(percentile(values, 95), 0),
    maxMs: round(Math.max(...values), 0),
  };
}

/** Waits until the sink received nothing for `quietMs` (at most `timeoutMs`); returns how many it holds. */
async function sinkQuiet(sink: SmtpSink, quietMs: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = sink.count;
  let since = Date.now();
  while (Date.now() < deadline && Date.now() - since < quietMs) {
    await sleep(50);
    if (sink.count !== count) [count, since] = [sink.count, Date.now()];
  }
  return sink.count;
}

/** The first mail to each owner received at or after `since` (epoch ms). */
async function mailsFor(
  sink: SmtpSink,
  owners: string[],
  since: number,
  timeoutMs: number,
): Promise<Map<string, SinkMessage>> {
  const wanted = new Set(owners);
  const found = new Map<string, SinkMessage>();
  const deadline = Date.now() + timeoutMs;
  while (found.size < wanted.size && Date.now() < deadline) {
    for (const m of sink.messages())
      if (Date.parse(m.receivedAt) >= since)
        for (const to of m.to) if (wanted.has(to) && !found.has(to)) found.set(to, m);
    if (found.size < wanted.size) await sleep(20);
  }
  return found;
}

/**
 * Stage 2: the real pipeline, both apps spawned as `npm start` runs them (ingest and alerting,
 * IW_GROUP_WAIT=0s, IW_PENDING_FOR=0s, one simulated clock), M+1 projects of one ≥700 indicator
 * each with an owner of its own, and an SMTP server in this process. After a warm-up alert has
 * gone all the way through, M tipping measurements are published in one send; each mail's
 * latency is from that send to the SMTP server accepting it.
 */
export async function benchAlertLatency(
  world: BenchWorld,
  opts: BenchOptions,
  log: (m: string) => void,
  result: AlertLatencyResult,
): Promise<void> {
  const m = opts.alerts;
  const projects = m + 1; // project 0 is the warm-up
  result.how = `burst: ${m} tipping measurements in one send; actuals → ingest → indicators.progress → alerting → outbox → SMTP`;
  const { prefix, topics } = await world.topics('alerts', opts.partitions);
  const url = world.mongoUrl('alerts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-bench-alerts-'));
  const apps: BenchApp[] = [];
  // Not parsed: the sink runs in this process, and parsing 200 MIME messages on its event loop
  // delayed the 250 replies (and so the measured acceptance) behind its own CPU, which a real
  // SMTP server in its own process would not. Recipients come from the envelope.
  const sink = new SmtpSink({ maxKept: projects + 100, parse: false });
  const producer = new KafkaProducer(new KafkaClient(testKafkaConfig()));
  let watch: ProgressWatch | null = null;
  try {
    const owners = ownersYaml(projects);
    const catalogue = parseTargetTable(
      targetTableText({ projects, indicatorsPerProject: 1, value: () => ['数量指标', '≥700批次'] }),
      { fiscalYear: 2019 },
    );
    const conn = await connectMongo(url);
    await importCatalogue(conn, catalogue, {
      sourceFile: 'bench:alerts',
      owners: parseOwners(owners, 'yaml'),
      now: new Date(),
    });
    await closeMongo(conn);
    fs.writeFileSync(path.join(dir, 'bindings.yaml'), 'version: 1\nbindings: []\n');
    fs.writeFileSync(path.join(dir, 'owners.yaml'), owners);
    await sink.start();
    await producer.connect();

    const env = {
      MONGO_URL: url,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: String(opts.partitions),
      IW_BINDINGS: path.join(dir, 'bindings.yaml'),
      IW_OWNERS: path.join(dir, 'owners.yaml'),
      // One timeline for both processes (the `~` pins the real start).
      IW_CLOCK: `sim:${SIM_START}@1~${Date.now()}`,
      SMTP_URL: sink.url,
      IW_LOG_LEVEL: 'log',
      IW_METRICS_PORT_INGEST: '0',
      IW_METRICS_PORT_ALERTING: '0',
    };
    const ingest = spawnBenchApp(path.join(BUILD_DIR, 'apps/ingest/src/main.js'), {
      ...env,
      IW_INGEST_GROUP: `${world.runId}-alerts-ingest`,
      ...(process.env.IW_BENCH_INGEST_LOG ? { IW_LOG_LEVEL: process.env.IW_BENCH_INGEST_LOG } : {}),
    });
    // IW_BENCH_ALERTING_PROFILE=<dir>: the alerting app runs under --cpu-prof (a .cpuprofile in <dir> at exit).
    const profileDir = process.env.IW_BENCH_ALERTING_PROFILE;
    const alerting = spawnBenchApp(
      path.join(BUILD_DIR, 'apps/alerting/src/main.js'),
      {
        ...env,
        IW_ALERTING_GROUP: `${world.runId}-alerts`,
        IW_GROUP_WAIT: '0s',
        IW_GROUP_INTERVAL: '0s',
        IW_PENDING_FOR: '0s',
        ...(process.env.IW_BENCH_ALERTING_LOG ? { IW_LOG_LEVEL: process.env.IW_BENCH_ALERTING_LOG } : {}),
      },
      'alerting',
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    );
    apps.push(ingest, alerting);
    watch = new ProgressWatch(`${world.runId}-alerts-watch`, topics.progress, opts.partitions);
    await watch.start();
    await alerting.waitForOutput(/sweep \([^)]*\) at .* units in \d+ ms/, 120_000);
    await ingest.waitForOutput(/connected; consuming/, 60_000);
    // The first sweep finds every unit still without data and tells each owner once (缺报提醒):
    // let those mails go out and forget them, so only the alerts measured here are counted.
    const quiet = await sinkQuiet(sink, 1500, 120_000);
    log(
      `alerts: ingest and alerting up; ${quiet} mail(s) of the first sweep sent; warming up with one alert end to end`,
    );
    sink.clear();

    const warmAt = Date.now();
    await producer.send(topics.measurements, [measurement(0, world.runId)]);
    const warm = await mailsFor(sink, [ownerOf(0)], warmAt, 120_000);
    if (warm.size) result.singleMs = Date.parse(warm.get(ownerOf(0))!.receivedAt) - warmAt;
    if (!warm.size)
      throw new Error(
        `the warm-up alert never arrived\n--- alerting ---\n${alerting.output().slice(-2000)}\n--- ingest ---\n${ingest.output().slice(-2000)}`,
      );

    const messages = Array.from({ length: m }, (_, k) => measurement(k + 1, world.runId));
    const wanted = messages.map((_, k) => ownerOf(k + 1));
    log(`alerts: publishing ${m} tipping events at once`);
    const sentAt = Date.now();
    await producer.send(topics.measurements, messages);
    const got = await mailsFor(sink, wanted, sentAt, 120_000);
    const latencies = [...got.values()].map((mail) => Date.parse(mail.receivedAt) - sentAt);
    result.mails = latencies.length;
    if (latencies.length) {
      result.p50Ms = round(percentile(latencies, 50), 0);
      result.p95Ms = round(percentile(latencies, 95), 0);
      result.maxMs = round(Math.max(...latencies), 0);
      result.firstMs = round(Math.min(...latencies), 0);
      // After the first mail of the burst, how fast the rest came: the sender's pace.
      if (latencies.length > 1 && result.maxMs! > result.firstMs!)
        result.mailsPerSec = round(((latencies.length - 1) * 1000) / (result.maxMs! - result.firstMs!), 1);
    }
    // The split (see ProgressWatch): per mail, publish → its progress message, and that → SMTP.
    const ingestMs: number[] = [];
    const alertingMs: number[] = [];
    got.forEach((mail, owner) => {
      const k = wanted.indexOf(owner);
      const seenAt = watch!.seen.get(indicatorId(2019, BENCH_AGENCY, benchProjectName(k + 1), benchIndicatorName(0)));
      if (seenAt === undefined) return;
      ingestMs.push(seenAt - sentAt);
      alertingMs.push(Date.parse(mail.receivedAt) - seenAt);
    });
    const lastProgressMs = watch.seen.size ? Math.max(...[...watch.seen.values()]) - sentAt : null;
    Object.assign(result, {
      split: { ingest: spread(ingestMs), alerting: spread(alertingMs), lastProgressMs, measured: ingestMs.length },
    });
    log(
      `alerts: split per mail — publish → indicators.progress (ingest) p50/p95/max ${Object.values(spread(ingestMs)).join(' / ')} ms; ` +
        `indicators.progress → SMTP (alerting) p50/p95/max ${Object.values(spread(alertingMs)).join(' / ')} ms; last progress message ${lastProgressMs} ms after publish`,
    );
    if (latencies.length < m) result.error = `${m - latencies.length} of ${m} mails did not arrive within 120 s`;
    log(
      `alerts: ${latencies.length} mails, first ${result.firstMs} ms, p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, max ${result.maxMs} ms (${result.mailsPerSec} mails/s); one alert alone: ${result.singleMs} ms`,
    );
  } finally {
    await watch?.stop().catch(() => undefined);
    await Promise.all(apps.map((a) => a.stop('SIGTERM', 20_000)));
    if (process.env.IW_BENCH_ALERTING_LOG_FILE)
      fs.writeFileSync(process.env.IW_BENCH_ALERTING_LOG_FILE, apps[1]?.output() ?? '');
    if (process.env.IW_BENCH_INGEST_LOG_FILE)
      fs.writeFileSync(process.env.IW_BENCH_INGEST_LOG_FILE, apps[0]?.output() ?? '');
    await producer.disconnect().catch(() => undefined);
    await sink.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
