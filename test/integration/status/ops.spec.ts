import * as net from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { FixedClock } from '@iw/clock';
import { BatchConsumer, KafkaClient, KafkaProducer } from '@iw/kafka';
import { StatsRepository, connectMongo } from '@iw/mongo';
import { spawnApp, testKafkaConfig, waitFor, withDatabase } from '@iw/testing';
import { OpsStatusSchema, type OpsStatus } from '../../../apps/status/src/dtos/status.dto';
import { NOW, TOKENS, freePort, listen, opsStatus, startHarness, testConfig, type StatusHarness } from './harness';

/**
 * The ops surface against the real services: /status and /metrics figures, consumer lag that
 * appears while nobody consumes and drains once a member of the group commits, readiness that
 * names the part that is down (MongoDB behind a port that is closed, then opened), and a
 * status app that refuses to start without API tokens.
 */

interface HealthBody {
  status: string;
  info?: Record<string, { status: string; message?: string }>;
  error: Record<string, { status: string; message: string }>;
}

jest.setTimeout(180_000);

let h: StatusHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const status = (): Promise<OpsStatus> => opsStatus(h);

describe('/status', () => {
  it('reports DLQ, outbox, indicator statuses, budget, clock, versions and uptime', async () => {
    const conn = await connectMongo(h.mongoUrl);
    const stats = new StatsRepository(conn);
    const now = Date.now();
    const topic = h.topics.inspectionBatches;
    const doc = (instance: string, updatedAt: number, events: number) => ({
      _id: `ingest:${instance}`,
      service: 'ingest' as const,
      instance,
      version: '0.1.0',
      startedAt: new Date(now - 600_000),
      updatedAt: new Date(updatedAt),
      topics: [
        { topic, events, applied: events - 1, duplicates: 0, rejected: 1, lastEventAt: new Date(updatedAt - 1000) },
      ],
      rate1m: 2.5,
      rate5m: 1,
    });
    await stats.write(doc('a', now, 10));
    await stats.write(doc('b', now - 1000, 5));
    await stats.write(doc('gone', now - 10 * 60_000, 1000)); // stopped long ago: not live
    await conn.close();

    const s = await status();
    expect(s.status).toMatchObject({ service: 'status', version: expect.any(String) });
    expect(s.status.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(s.clock).toMatchObject({
      now: new Date(NOW).toISOString(),
      local: '2019-07-01 12:00',
      kind: 'fixed',
      timeZone: 'Asia/Shanghai',
    });
    expect(s.dlq).toMatchObject({
      count: 1,
      byReason: { schema: 1 },
      latest: [{ reasonClass: 'schema', reason: 'caseId: required' }],
    });
    expect(s.outbox).toMatchObject({ backlog: 2, failing: 1, permanentFailures: 0, sent: 0 });
    expect(s.outbox.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(100);
    expect(s.services.map((x) => x.instance).sort()).toEqual(['a', 'b']);
    expect(s.events).toMatchObject({ rate1m: 5, rate5m: 2 });
    expect(s.events.topics.find((t) => t.topic === topic)).toMatchObject({
      events: 15,
      rejected: 2,
      lastEventAt: new Date(now - 1000).toISOString(),
    });
    expect(s.indicators.fiscalYear).toBe(2019);
    expect(s.indicators.settled).toBe(1);
    expect(Object.values(s.indicators.byStatus).reduce((a, b) => a + b, 0)).toBe(s.indicators.units);
    expect(s.indicators.byStatus.at_risk).toBeGreaterThanOrEqual(2);
    expect(s.budget.spent).toBe(60);
    expect(s.budget.funds).toBeGreaterThan(187.5);
    expect(s.errors).toEqual({});
  });

  it('shows lag while nobody consumes, and drains once the ingest group commits', async () => {
    const topic = h.topics.inspectionBatches;
    const producer = new KafkaProducer(new KafkaClient(testKafkaConfig()));
    await producer.connect();
    await producer.send(
      topic,
      Array.from({ length: 7 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ n: i }) })),
    );
    await producer.disconnect();

    const before = (await status()).consumers.find((c) => c.role === 'ingest')!;
    expect(before).toMatchObject({ group: h.config.kafka.groups.ingest, error: null, totalLag: 7 });
    const parts = before.partitions.filter((p) => p.topic === topic);
    expect(parts).toHaveLength(2);
    expect(parts.every((p) => p.committed === null)).toBe(true);
    expect(parts.reduce((a, p) => a + Number(p.end), 0)).toBe(7);
    expect(before.topics).toEqual(
      ['inspectionBatches', 'cases', 'surveys', 'spending', 'measurements'].map(
        (r) => h.topics[r as keyof typeof h.topics],
      ),
    );

    const metrics = await (await h.get('/metrics')).text();
    expect(metrics).toMatch(
      new RegExp(`iw_consumer_group_lag\\{group="${h.config.kafka.groups.ingest}",role="ingest"\\} 7`),
    );

    const consumer = new BatchConsumer(new KafkaClient(testKafkaConfig()), {
      groupId: h.config.kafka.groups.ingest,
      topics: [topic],
      fromBeginning: true,
    });
    await consumer.connect();
    await consumer.start(async () => undefined);
    try {
      const after = await waitFor(
        async () => {
          const c = (await status()).consumers.find((x) => x.role === 'ingest')!;
          return c.totalLag === 0 ? c : null;
        },
        { timeoutMs: 60_000, intervalMs: 500, message: 'ingest lag did not drain' },
      );
      const drained = after.partitions.filter((p) => p.topic === topic);
      expect(drained.map((p) => p.committed)).toEqual(drained.map((p) => p.end));
    } finally {
      await consumer.stop();
    }
  });
});

describe('/metrics', () => {
  it('serves the /status figures and the process metrics in Prometheus text format', async () => {
    const res = await h.get('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await res.text();
    for (const line of [
      /^iw_dlq_messages 1$/m,
      /^iw_outbox_backlog 2$/m,
      /^iw_outbox_failing 1$/m,
      /^iw_tracked_units\{status="at_risk"\} [1-9]\d*$/m,
      /^iw_budget_spent_wan_yuan \d+/m,
      /^iw_fiscal_year_elapsed_ratio 0\.49\d*$/m,
      new RegExp(
        `^iw_consumer_lag\\{group="${h.config.kafka.groups.alerting}",topic="${h.topics.progress.replace(/\./g, '\\.')}",partition="0"\\} 0$`,
        'm',
      ),
      /^iw_status_process_cpu_user_seconds_total /m,
      /^iw_status_nodejs_heap_size_used_bytes /m,
      /^iw_build_info\{version="[^"]+"\} 1$/m,
    ]) {
      expect(text).toMatch(line);
    }
  });
});

describe('readiness', () => {
  it('is 200 with Kafka, MongoDB and the SMTP server up; /health/live needs nothing', async () => {
    const res = await fetch(`${h.base}/health/ready`);
    const body = await res.json();
    expect({ status: res.status, body }).toMatchObject({
      status: 200,
      body: { status: 'ok', info: { kafka: { status: 'up' }, mongodb: { status: 'up' }, smtp: { status: 'up' } } },
    });
  });

  it('goes 503 naming MongoDB while its port is closed, and back to 200 once it answers there', async () => {
    const port = await freePort();
    const config = testConfig({
      MONGO_URL: withDatabase(`mongodb://127.0.0.1:${port}/x`, new URL(h.mongoUrl).pathname.slice(1)),
      KAFKA_TOPIC_PREFIX: h.prefix,
      IW_INGEST_GROUP: h.config.kafka.groups.ingest,
      IW_ALERTING_GROUP: h.config.kafka.groups.alerting,
      SMTP_URL: h.sink.url,
    });
    let second: { app: INestApplication; base: string } | null = null;
    let proxy: net.Server | null = null;
    try {
      second = await listen(config, new FixedClock(NOW));
      const down = await fetch(`${second.base}/health/ready`);
      const body = (await down.json()) as HealthBody;
      expect(down.status).toBe(503);
      expect(body).toMatchObject({
        status: 'error',
        error: { mongodb: { status: 'down' } },
        info: { kafka: { status: 'up' }, smtp: { status: 'up' } },
      });
      expect(body.error.mongodb.message).toMatch(/MongoDB/);
      // Reads answer 503 too, rather than a 500.
      expect(
        (await fetch(`${second.base}/api/projects`, { headers: { authorization: `Bearer ${TOKENS[0]}` } })).status,
      ).toBe(503);
      const s = OpsStatusSchema.parse(
        await (await fetch(`${second.base}/status`, { headers: { authorization: `Bearer ${TOKENS[0]}` } })).json(),
      );
      expect(Object.keys(s.errors)).toEqual(expect.arrayContaining(['dlq', 'outbox', 'indicators']));

      // Open the port: a TCP relay to the real server.
      const target = new URL(process.env.MONGO_URL || 'mongodb://127.0.0.1:27017');
      proxy = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 27017), target.hostname);
        client.pipe(upstream).pipe(client);
        const end = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
      });
      await new Promise<void>((resolve) => proxy!.listen(port, '127.0.0.1', resolve));
      const base = second.base;
      await waitFor(async () => (await fetch(`${base}/health/ready`)).status === 200, {
        timeoutMs: 30_000,
        intervalMs: 500,
        message: 'readiness did not come back',
      });
      expect((await fetch(`${base}/api/projects`, { headers: { authorization: `Bearer ${TOKENS[0]}` } })).status).toBe(
        200,
      );
    } finally {
      await second?.app.close();
      if (proxy) await new Promise<void>((resolve) => proxy!.close(() => resolve()));
    }
  });

  it('goes 503 naming SMTP when the mail server stops', async () => {
    await h.sink.stop();
    const res = await fetch(`${h.base}/health/ready`);
    const body = (await res.json()) as HealthBody;
    expect(res.status).toBe(503);
    expect(body).toMatchObject({
      error: { smtp: { status: 'down' } },
      info: { kafka: { status: 'up' }, mongodb: { status: 'up' } },
    });
    expect(body.error.smtp.message).toMatch(/ECONNREFUSED/);
    await h.sink.start();
  });
});

describe('start-up', () => {
  it('refuses to start without IW_API_TOKENS, saying what to set', async () => {
    const proc = spawnApp({
      entry: 'apps/status/src/main.ts',
      env: { IW_API_TOKENS: '', MONGO_URL: h.mongoUrl, IW_STATUS_PORT: String(await freePort()) },
    });
    expect(await proc.exited).toEqual({ code: 1, signal: null });
    expect(proc.output()).toMatch(/IW_API_TOKENS is empty/);
    expect(proc.output()).not.toMatch(/^\s+at /m);
  });
});
