import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ClockReadings, type Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { ACTUALS_ROLES, type ActualsRole } from '@iw/events';
import { KafkaAdmin } from '@iw/kafka';
import { nextPartitionWatermark } from '@iw/measures';
import { WatermarkRepository, type WatermarkReport } from '@iw/mongo';
import { APP_CONFIG, CLOCK, REAL_CLOCK } from '../ingest.module.tokens';

/** How often (real time) the watermarks are worked out and written: one write per topic. */
export const WATERMARK_INTERVAL_MS = 1000;

/**
 * Per-source watermarks (libs/measures watermarks): how far ingest has processed each actuals
 * topic, in domain time. Batches only note their latest event time (in memory, after their
 * effects are durable); every second the group's committed offsets are compared with the end
 * offsets — a partition with nothing left to read is current (as of what the clock showed
 * IW_SOURCE_DELAY before the offsets were read: a source may publish that late), a lagging one
 * keeps the latest event time processed — and each topic's partitions are written in one
 * `$max` update. A stopped ingest writes nothing: its sources fall behind the clock, and
 * alerting judges their indicators as of where they stopped.
 */
@Injectable()
export class WatermarkService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WatermarkService.name);
  /** topic → partition → latest event time of the batches committed since the last report. */
  private readonly seen = new Map<string, Map<number, number>>();
  /** topic → partition → last watermark this instance worked out. */
  private readonly last = new Map<string, Map<number, number>>();
  /** What the clock showed at each report, for the delay sources may publish with (IW_SOURCE_DELAY). */
  private readonly readings: ClockReadings;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private failing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
    private readonly admin: KafkaAdmin,
    private readonly repo: WatermarkRepository,
  ) {
    this.readings = new ClockReadings(config.sourceDelayMs + WATERMARK_INTERVAL_MS);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.report(), WATERMARK_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** A batch's effects are durable: its latest event time counts for its partition. */
  observe(topic: string, partition: number, eventTime: number | null): void {
    if (eventTime === null) return;
    let byPartition = this.seen.get(topic);
    if (!byPartition) this.seen.set(topic, (byPartition = new Map<number, number>()));
    byPartition.set(partition, Math.max(byPartition.get(partition) ?? -Infinity, eventTime));
  }

  /** Works the watermarks out and writes them; one run at a time. */
  report(): Promise<void> {
    this.running ??= this.reportNow()
      .then(
        () => {
          if (this.failing) this.logger.log('watermarks written again');
          this.failing = false;
        },
        (e: Error) => {
          if (!this.failing) this.logger.warn(`watermarks not written: ${e.message}`);
          this.failing = true;
        },
      )
      .finally(() => (this.running = null));
    return this.running;
  }

  private async reportNow(): Promise<void> {
    const reports: WatermarkReport[] = [];
    for (const role of ACTUALS_ROLES) {
      const topic = this.config.kafka.topics[role];
      const report = await this.topicReport(role, topic).catch(() => null);
      if (report) reports.push(report);
    }
    await this.repo.advance(reports, new Date(this.realClock.now()));
  }

  private async topicReport(role: ActualsRole, topic: string): Promise<WatermarkReport> {
    const real = this.realClock.now();
    this.readings.note(real, this.clock.now());
    const lags = await this.admin.lag(this.config.kafka.groups.ingest, [topic]);
    // Read after the offsets: an event time noted meanwhile belongs to a batch committed by now or soon.
    const now = this.clock.now();
    // Nothing left to read vouches for what was published by then: for events up to what the
    // clock showed IW_SOURCE_DELAY before (unknown yet: only processed event times count).
    const current = this.readings.at(real - this.config.sourceDelayMs);
    const seen = this.seen.get(topic);
    this.seen.delete(topic);
    let last = this.last.get(topic);
    if (!last) this.last.set(topic, (last = new Map<number, number>()));
    const partitions: WatermarkReport['partitions'][number][] = [];
    for (const p of lags) {
      const w = nextPartitionWatermark(
        last.get(p.partition) ?? null,
        { caughtUp: p.lag === 0 && current !== null, eventTime: seen?.get(p.partition) ?? null },
        current ?? now,
      );
      if (w === null) continue;
      last.set(p.partition, w);
      partitions.push({ partition: p.partition, watermark: w });
    }
    return { topic, role, partitionCount: lags.length, partitions };
  }
}
