import * as os from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppConfig } from '@iw/config';
import { MetricsServer, RollingRate } from '@iw/metrics';
import { mongoReadiness } from '@iw/mongo';
import {
  AlertRepository,
  MONGO_CONNECTION,
  OutboxRepository,
  StatsRepository,
  type Connection,
  type TopicStats,
} from '@iw/mongo';
import { ALERTING_OPTIONS, APP_CONFIG, REAL_CLOCK, type AlertingOptions } from '../alerting.tokens';

const FLUSH_MS = 5000;

/**
 * Alerting's figures: Prometheus metrics on IW_METRICS_PORT_ALERTING and a `service_stats`
 * document every few seconds (outbox backlog and failures for /status). Gauges that describe
 * the stored state (open alerts, backlog) are read from MongoDB at each flush, so every
 * instance reports the same truth.
 */
@Injectable()
export class AlertingMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AlertingMetrics.name);
  readonly registry = new Registry();
  private readonly openAlerts = new Gauge({
    name: 'iw_alerting_alerts_open',
    help: 'Open alerts by severity',
    labelNames: ['severity'],
    registers: [this.registry],
  });
  private readonly sentTotal = new Counter({
    name: 'iw_alerting_notifications_sent_total',
    help: 'Notifications accepted by the SMTP server',
    registers: [this.registry],
  });
  private readonly mailsTotal = new Counter({
    name: 'iw_alerting_mails_sent_total',
    help: 'Emails (digests) accepted by the SMTP server',
    registers: [this.registry],
  });
  private readonly failedTotal = new Counter({
    name: 'iw_alerting_send_failures_total',
    help: 'Failed send attempts, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly mutedTotal = new Counter({
    name: 'iw_alerting_notifications_muted_total',
    help: 'Notifications never sent (ack, silence, stale, superseded)',
    registers: [this.registry],
  });
  private readonly backlog = new Gauge({
    name: 'iw_alerting_outbox_backlog',
    help: 'Notifications not yet accepted by the SMTP server',
    registers: [this.registry],
  });
  private readonly failing = new Gauge({
    name: 'iw_alerting_outbox_failing',
    help: 'Notifications whose digest failed at least once and waits for a retry',
    registers: [this.registry],
  });
  private readonly oldest = new Gauge({
    name: 'iw_alerting_outbox_oldest_pending_seconds',
    help: 'Age of the oldest notification not yet sent',
    registers: [this.registry],
  });
  private readonly evaluationSeconds = new Histogram({
    name: 'iw_alerting_evaluation_seconds',
    help: 'Time to evaluate a set of tracked units and enqueue their notifications, by trigger',
    labelNames: ['trigger'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  private readonly sendSeconds = new Histogram({
    name: 'iw_alerting_send_seconds',
    help: 'SMTP send time of accepted mails',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  private readonly rate = new RollingRate();
  private readonly topics = new Map<string, TopicStats>();
  private readonly server: MetricsServer;
  private readonly startedAt: Date;
  private readonly instance: string;
  private sentCount = 0;
  private timer?: NodeJS.Timeout;
  /** Set by the app: extra facts for the stats document. */
  extra: () => Record<string, unknown> = () => ({});

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
    @Inject(ALERTING_OPTIONS) private readonly options: AlertingOptions,
    @Inject(MONGO_CONNECTION) conn: Connection,
    private readonly stats: StatsRepository,
    private readonly outbox: OutboxRepository,
    private readonly alerts: AlertRepository,
  ) {
    this.startedAt = new Date(this.realClock.now());
    collectDefaultMetrics({ register: this.registry, prefix: 'iw_alerting_' });
    this.server = new MetricsServer(this.registry, this.logger, () => mongoReadiness(conn));
    this.instance = options.instance ?? `${os.hostname()}-${process.pid}`;
  }

  private flushing: Promise<void> | null = null;

  async onModuleInit(): Promise<void> {
    const port =
      this.options.metricsPort === undefined ? this.config.http.metricsPorts.alerting : this.options.metricsPort;
    if (port !== null) await this.server.listen(port);
    // One flush at a time: each scans the outbox and the alerts, and on a busy FerretDB a flush
    // can outlast the period; overlapping ones piled up (12 scans in flight in a sweep's dump).
    this.timer = setInterval(() => {
      if (this.flushing) return;
      this.flushing = this.flush()
        .catch((e) => this.logger.warn(`stats not written: ${(e as Error).message}`))
        .finally(() => (this.flushing = null));
    }, FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.server.close();
  }

  observeMessages(topic: string, messages: number, invalid: number, lastEventAt: number | null): void {
    this.rate.add(messages, this.realClock.now());
    let t = this.topics.get(topic);
    if (!t)
      this.topics.set(topic, (t = { topic, events: 0, applied: 0, duplicates: 0, rejected: 0, lastEventAt: null }));
    t.events += messages;
    t.applied += messages - invalid;
    t.rejected += invalid;
    if (lastEventAt !== null) t.lastEventAt = new Date(lastEventAt);
  }

  observeEvaluation(trigger: string, _units: number, ms: number): void {
    this.evaluationSeconds.observe({ trigger }, ms / 1000);
  }

  sent(notifications: number, ms: number): void {
    this.sentTotal.inc(notifications);
    this.mailsTotal.inc();
    this.sendSeconds.observe(ms / 1000);
    this.sentCount += notifications;
  }

  failed(permanent: boolean): void {
    this.failedTotal.inc({ kind: permanent ? 'permanent' : 'transient' });
  }

  muted(count: number): void {
    this.mutedTotal.inc(count);
  }

  /** Refreshes the stored-state gauges and writes the stats document. */
  async flush(): Promise<void> {
    const now = this.realClock.now();
    const [outbox, open] = await Promise.all([this.outbox.stats(), this.alerts.countOpen()]);
    this.openAlerts.set({ severity: 'at_risk' }, open.at_risk);
    this.openAlerts.set({ severity: 'off_track' }, open.off_track);
    this.backlog.set(outbox.pending);
    this.failing.set(outbox.failing);
    this.oldest.set(outbox.oldestPendingAt ? Math.max(0, (now - outbox.oldestPendingAt.getTime()) / 1000) : 0);
    await this.stats.write({
      _id: `alerting:${this.instance}`,
      service: 'alerting',
      instance: this.instance,
      version: process.env.npm_package_version ?? '0.1.0',
      startedAt: this.startedAt,
      updatedAt: new Date(now),
      topics: [...this.topics.values()],
      rate1m: this.rate.perSecond(60_000, now),
      rate5m: this.rate.perSecond(300_000, now),
      extra: {
        outboxPending: outbox.pending,
        outboxFailed: outbox.failing,
        outboxPermanentFailures: outbox.permanentFailures,
        oldestPendingAt: outbox.oldestPendingAt,
        sent: outbox.sent,
        sentByThisInstance: this.sentCount,
        muted: outbox.muted,
        openAlerts: open,
        ...this.extra(),
      },
    });
  }
}
