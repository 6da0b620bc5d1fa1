import { Injectable } from '@nestjs/common';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { OpsStatus } from '../dtos/status.dto';
import { OpsStatusService, VERSION } from './ops-status.service';

/**
 * /metrics of the status app: the /status figures as gauges, refreshed on each scrape, plus
 * the default process metrics. Ingest and alerting serve their own counters on
 * IW_METRICS_PORT_INGEST / IW_METRICS_PORT_ALERTING (pull, no push): scrape all three.
 * The figures here are cluster-wide (read from Kafka and MongoDB), not per process.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly g = {
    lag: this.gauge('iw_consumer_lag', 'Messages not yet consumed, per group and partition', [
      'group',
      'topic',
      'partition',
    ]),
    committed: this.gauge(
      'iw_consumer_committed_offset',
      'Committed offset (next to read), per group and partition; absent when never committed',
      ['group', 'topic', 'partition'],
    ),
    end: this.gauge('iw_topic_end_offset', 'End offset (next to be written), per partition', ['topic', 'partition']),
    groupLag: this.gauge('iw_consumer_group_lag', 'Total lag of a consumer group', ['group', 'role']),
    kafkaUp: this.gauge('iw_kafka_offsets_readable', '1 when the group offsets could be read', ['group', 'role']),
    watermarkLag: this.gauge(
      'iw_source_watermark_lag_seconds',
      'Domain seconds the source watermark (how far ingest has processed a topic in event time) is behind the clock; absent until ingest reported every partition',
      ['topic'],
    ),
    watermark: this.gauge('iw_source_watermark_timestamp_seconds', 'Source watermark (event time), per topic', [
      'topic',
    ]),
    rate: this.gauge('iw_ingest_events_per_second', 'Ingested events per second over a window, all live instances', [
      'window',
    ]),
    topicEvents: this.gauge('iw_ingest_topic_events', 'Messages read per topic since the live instances started', [
      'topic',
    ]),
    topicRejected: this.gauge(
      'iw_ingest_topic_rejected',
      'Messages sent to the DLQ per topic since the live instances started',
      ['topic'],
    ),
    lastEvent: this.gauge('iw_topic_last_event_timestamp_seconds', 'Time the last event of a topic was read', [
      'topic',
    ]),
    instances: this.gauge('iw_service_instances', 'Live instances per service (stats written within 30 s)', [
      'service',
    ]),
    dlq: this.gauge('iw_dlq_messages', 'Rejected messages recorded in the DLQ collection'),
    dlqReason: this.gauge('iw_dlq_messages_by_reason', 'DLQ records per reason class', ['reason']),
    parked: this.gauge('iw_parked_units', 'Tracked units parked by ingest until a progress rebuild'),
    backlog: this.gauge('iw_outbox_backlog', 'Notifications waiting to be grouped or sent'),
    oldest: this.gauge('iw_outbox_oldest_pending_age_seconds', 'Age of the oldest waiting notification (0 when none)'),
    failing: this.gauge('iw_outbox_failing', 'Waiting notifications whose send failed at least once'),
    permanent: this.gauge(
      'iw_outbox_permanent_failures',
      'Waiting notifications whose last failure was permanent (5xx)',
    ),
    sent: this.gauge('iw_outbox_sent', 'Notifications sent'),
    snapshotAge: this.gauge(
      'iw_status_snapshot_age_seconds',
      'Age of the reading the DLQ, parked and outbox figures come from (read at most every IW_STATUS_SNAPSHOT_EVERY)',
    ),
    units: this.gauge('iw_tracked_units', 'Tracked units (indicators, compound parts) by status', ['status']),
    funds: this.gauge('iw_budget_funds_wan_yuan', '年度资金总额 over all tracked projects, 万元'),
    spent: this.gauge('iw_budget_spent_wan_yuan', '执行数 over all tracked projects, 万元'),
    execution: this.gauge('iw_budget_execution_ratio', '预算执行率 over all tracked projects (0..1)'),
    elapsed: this.gauge('iw_fiscal_year_elapsed_ratio', 'Share of the fiscal year elapsed (domain clock)'),
    readErrors: this.gauge('iw_status_read_errors', 'Parts of /status that could not be read', ['part']),
    uptime: this.gauge('iw_status_uptime_seconds', 'Seconds since the status app started'),
    info: this.gauge('iw_build_info', 'Version of the status app', ['version']),
  };

  constructor(private readonly ops: OpsStatusService) {
    collectDefaultMetrics({ register: this.registry, prefix: 'iw_status_' });
  }

  private gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async scrape(): Promise<string> {
    this.update(await this.ops.status());
    return this.registry.metrics();
  }

  /** Sets every gauge from one /status answer; label sets that disappeared are dropped. */
  update(s: OpsStatus): void {
    for (const g of Object.values(this.g)) g.reset();
    for (const c of s.consumers) {
      this.g.kafkaUp.set({ group: c.group, role: c.role }, c.error ? 0 : 1);
      if (c.totalLag !== null) this.g.groupLag.set({ group: c.group, role: c.role }, c.totalLag);
      for (const p of c.partitions) {
        const labels = { group: c.group, topic: p.topic, partition: String(p.partition) };
        this.g.lag.set(labels, p.lag);
        if (p.committed !== null) this.g.committed.set(labels, Number(p.committed));
        this.g.end.set({ topic: p.topic, partition: String(p.partition) }, Number(p.end));
      }
    }
    for (const w of s.watermarks) {
      if (w.lagSeconds !== null) this.g.watermarkLag.set({ topic: w.topic }, w.lagSeconds);
      if (w.watermark !== null) this.g.watermark.set({ topic: w.topic }, Date.parse(w.watermark) / 1000);
    }
    this.g.rate.set({ window: '1m' }, s.events.rate1m);
    this.g.rate.set({ window: '5m' }, s.events.rate5m);
    for (const t of s.events.topics) {
      this.g.topicEvents.set({ topic: t.topic }, t.events);
      this.g.topicRejected.set({ topic: t.topic }, t.rejected);
      if (t.lastEventAt) this.g.lastEvent.set({ topic: t.topic }, Date.parse(t.lastEventAt) / 1000);
    }
    for (const service of ['ingest', 'alerting'])
      this.g.instances.set({ service }, s.services.filter((x) => x.service === service).length);
    this.g.dlq.set(s.dlq.count);
    this.g.parked.set(s.parked.length);
    for (const [reason, n] of Object.entries(s.dlq.byReason)) this.g.dlqReason.set({ reason }, n);
    this.g.backlog.set(s.outbox.backlog);
    this.g.oldest.set(s.outbox.oldestPendingAgeSeconds ?? 0);
    this.g.failing.set(s.outbox.failing);
    this.g.permanent.set(s.outbox.permanentFailures);
    this.g.sent.set(s.outbox.sent);
    this.g.snapshotAge.set(s.snapshot.ageSeconds);
    for (const [status, n] of Object.entries(s.indicators.byStatus)) this.g.units.set({ status }, n);
    this.g.funds.set(s.budget.funds);
    this.g.spent.set(s.budget.spent);
    if (s.budget.executionRate !== null) this.g.execution.set(s.budget.executionRate / 100);
    if (s.budget.timeElapsed !== null) this.g.elapsed.set(s.budget.timeElapsed / 100);
    for (const part of Object.keys(s.errors)) this.g.readErrors.set({ part }, 1);
    this.g.uptime.set(s.status.uptimeSeconds);
    this.g.info.set({ version: VERSION }, 1);
  }
}
