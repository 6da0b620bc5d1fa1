import * as os from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { MONGO_CONNECTION, StatsRepository, type Connection, type TopicStats } from '@iw/mongo';
import { MetricsServer, RollingRate } from '@iw/metrics';
import { mongoReadiness } from '@iw/mongo';
import type { AppConfig } from '@iw/config';
import { APP_CONFIG, REAL_CLOCK } from '../ingest.module.tokens';

export interface BatchObservation {
  role: string;
  topic: string;
  partition: number;
  messages: number;
  applied: number;
  duplicates: number;
  rejected: number;
  unitsChanged: number;
  lastOffset: string;
  highWatermark: string;
  ms: number;
  lastEventAt: number;
}

const FLUSH_MS = 5000;

/**
 * Ingest's figures: Prometheus metrics on its own port (IW_METRICS_PORT_INGEST), and a stats
 * document in MongoDB every few seconds so /status can show events/s and last event times
 * across every instance.
 */
@Injectable()
export class IngestMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IngestMetrics.name);
  readonly registry = new Registry();
  private readonly events = new Counter({
    name: 'iw_ingest_events_total',
    help: 'Messages read, by topic and outcome',
    labelNames: ['topic', 'outcome'],
    registers: [this.registry],
  });
  private readonly units = new Counter({
    name: 'iw_ingest_progress_writes_total',
    help: 'Tracked units whose progress changed',
    registers: [this.registry],
  });
  private readonly batchSeconds = new Histogram({
    name: 'iw_ingest_batch_seconds',
    help: 'Time to process one batch',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  private readonly lag = new Gauge({
    name: 'iw_ingest_partition_lag',
    help: 'High watermark minus last processed offset, as seen by this instance',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  private readonly rate = new RollingRate();
  private readonly topics = new Map<string, TopicStats>();
  private readonly topicRates = new Map<string, RollingRate>();
  private readonly server: MetricsServer;
  private readonly startedAt: Date;
  private readonly instance = `${os.hostname()}-${process.pid}`;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
    @Inject(MONGO_CONNECTION) conn: Connection,
    private readonly stats: StatsRepository,
  ) {
    this.startedAt = new Date(this.realClock.now());
    collectDefaultMetrics({ register: this.registry, prefix: 'iw_ingest_' });
    this.server = new MetricsServer(this.registry, this.logger, () => mongoReadiness(conn));
  }

  async onModuleInit(): Promise<void> {
    await this.server.listen(this.config.http.metricsPorts.ingest);
    this.timer = setInterval(
      () => void this.flush().catch((e) => this.logger.warn(`stats not written: ${(e as Error).message}`)),
      FLUSH_MS,
    );
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.server.close();
  }

  observeBatch(o: BatchObservation): void {
    this.events.inc({ topic: o.topic, outcome: 'applied' }, o.applied);
    this.events.inc({ topic: o.topic, outcome: 'duplicate' }, o.duplicates);
    this.events.inc({ topic: o.topic, outcome: 'rejected' }, o.rejected);
    this.units.inc(o.unitsChanged);
    this.batchSeconds.observe(o.ms / 1000);
    this.lag.set(
      { topic: o.topic, partition: String(o.partition) },
      Math.max(0, Number(o.highWatermark) - Number(o.lastOffset) - 1),
    );
    this.rate.add(o.messages, this.realClock.now());
    let t = this.topics.get(o.topic);
    if (!t)
      this.topics.set(
        o.topic,
        (t = { topic: o.topic, events: 0, applied: 0, duplicates: 0, rejected: 0, lastEventAt: null }),
      );
    t.events += o.messages;
    t.applied += o.applied;
    t.duplicates += o.duplicates;
    t.rejected += o.rejected;
    t.lastEventAt = new Date(o.lastEventAt);
    let rate = this.topicRates.get(o.topic);
    if (!rate) this.topicRates.set(o.topic, (rate = new RollingRate()));
    rate.add(o.messages, this.realClock.now());
  }

  async flush(): Promise<void> {
    const now = this.realClock.now();
    await this.stats.write({
      _id: `ingest:${this.instance}`,
      service: 'ingest',
      instance: this.instance,
      version: process.env.npm_package_version ?? '0.1.0',
      startedAt: this.startedAt,
      updatedAt: new Date(now),
      topics: [...this.topics.values()].map((t) => {
        const rate = this.topicRates.get(t.topic)!;
        return { ...t, rate1m: rate.perSecond(60_000, now), rate5m: rate.perSecond(300_000, now) };
      }),
      rate1m: this.rate.perSecond(60_000, now),
      rate5m: this.rate.perSecond(300_000, now),
    });
  }
}
