import * as os from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { localDateTime, type Clock } from '@iw/clock';
import type { AppConfig, TopicRole } from '@iw/config';
import { watermarkLagSeconds } from '@iw/measures';
import type { ServiceStatsDoc, SourceWatermark } from '@iw/mongo';
import { emptyStatusCounts } from '../dtos/common.dto';
import type { OpsStatus } from '../dtos/status.dto';
import { KafkaAdminHandle } from '../adapters/kafka-admin-handle';
import { Store } from '../adapters/store';
import { APP_CONFIG, CLOCK, REAL_CLOCK } from '../tokens';
import { STATUSES } from '@iw/risk';
import { RollUpService } from './roll-up.service';
import { timeElapsed } from './views';

/** Instances that wrote their stats within this (real) time count as live; they flush every 5 s. */
export const LIVE_WITHIN_MS = 30_000;
const KAFKA_TIMEOUT_MS = 4000;
const DLQ_LATEST = 10;

/** The parts of /status read from a snapshot: each reads a whole collection on FerretDB. */
export const SNAPSHOT_PARTS = ['dlq', 'parked', 'outbox'] as const;

interface Snapshot {
  /** Real time the reads started: the figures are as of then. */
  at: number;
  /** Real time they were done. */
  doneAt: number;
  dlq: OpsStatus['dlq'];
  parked: OpsStatus['parked'];
  outbox: OpsStatus['outbox'];
  errors: Record<string, string>;
}

export const CONSUMED_TOPICS: Readonly<Record<'ingest' | 'alerting', readonly TopicRole[]>> = {
  ingest: ['inspectionBatches', 'cases', 'surveys', 'spending', 'measurements'],
  alerting: ['progress'],
};

export const VERSION = process.env.npm_package_version ?? '0.1.0';

/**
 * What ops look at (/status, /metrics, the dashboard's top bar): consumer lag per group and
 * partition, throughput and last event per topic, DLQ, outbox, indicator statuses, budget,
 * versions and uptime. Each part is read on its own: a part that cannot be read is reported
 * under `errors`, the rest still answers.
 */
/** Runs one part of the answer: one that fails gives `fallback`, its message under `errors[name]`. */
function partOf(errors: Record<string, string>) {
  return async <T>(name: string, fallback: T, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      errors[name] = (e as Error).message;
      return fallback;
    }
  };
}

@Injectable()
export class OpsStatusService implements OnApplicationBootstrap {
  private readonly startedAt: number;
  private snapshot: Snapshot | null = null;
  private reading: Promise<Snapshot> | null = null;

  constructor(
    private readonly store: Store,
    private readonly kafka: KafkaAdminHandle,
    private readonly rollUp: RollUpService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
  ) {
    this.startedAt = realClock.now();
  }

  /** The first snapshot reading starts with the app, before anyone asks. */
  onApplicationBootstrap(): void {
    void this.slowParts(this.realClock.now());
  }

  async status(): Promise<OpsStatus> {
    const errors: Record<string, string> = {};
    const part = partOf(errors);
    const realNow = this.realClock.now();
    const [consumers, watermarks, stats, snap, tracked] = await Promise.all([
      this.consumers(),
      part('watermarks', [] as SourceWatermark[], () => this.store.watermarks.all()),
      part('services', [] as ServiceStatsDoc[], async () => [
        ...(await this.store.stats.live('ingest', realNow - LIVE_WITHIN_MS)),
        ...(await this.store.stats.live('alerting', realNow - LIVE_WITHIN_MS)),
      ]),
      this.slowParts(realNow),
      part('indicators', null, () => this.rollUp.current()),
    ]);
    Object.assign(errors, snap.errors);
    const { dlq, parked, outbox } = snap;

    const byStatus = emptyStatusCounts();
    let units = 0;
    let settled = 0;
    let funds = 0;
    let spentYuan = 0;
    for (const p of tracked?.projects ?? []) {
      for (const s of STATUSES) byStatus[s] += p.byStatus[s];
      units += p.units;
      settled += p.settled;
      funds += p.view.funds.total ?? 0;
      spentYuan += p.spentYuan;
    }
    const ingest = stats.filter((s) => s.service === 'ingest');
    const now = this.clock.now();
    return {
      status: {
        service: 'status',
        version: VERSION,
        startedAt: new Date(this.startedAt).toISOString(),
        uptimeSeconds: Math.round((realNow - this.startedAt) / 1000),
        node: `${os.hostname()}-${process.pid}`,
      },
      clock: {
        now: new Date(now).toISOString(),
        local: localDateTime(now, this.config.timeZone),
        kind: this.clock.kind,
        speed: this.clock.speed,
        timeZone: this.config.timeZone,
      },
      consumers: consumers.groups,
      watermarks: CONSUMED_TOPICS.ingest.flatMap((role) => {
        const w = watermarks.find((x) => x.topic === this.config.kafka.topics[role]);
        if (!w) return [];
        const at = w.watermark?.getTime() ?? null;
        return [
          {
            topic: w.topic,
            role: w.role,
            watermark: at === null ? null : new Date(at).toISOString(),
            local: at === null ? null : localDateTime(at, this.config.timeZone),
            lagSeconds: watermarkLagSeconds(now, at),
            partitions: w.partitions.map((p) => ({
              partition: p.partition,
              watermark: p.watermark ? p.watermark.toISOString() : null,
            })),
            updatedAt: new Date(w.updatedAt).toISOString(),
          },
        ];
      }),
      events: {
        rate1m: round2(sum(ingest.map((s) => s.rate1m))),
        rate5m: round2(sum(ingest.map((s) => s.rate5m))),
        topics: topicFigures(
          ingest,
          CONSUMED_TOPICS.ingest.map((r) => this.config.kafka.topics[r]),
        ),
      },
      services: stats.map((s) => ({
        service: s.service,
        instance: s.instance,
        version: s.version,
        startedAt: new Date(s.startedAt).toISOString(),
        updatedAt: new Date(s.updatedAt).toISOString(),
        uptimeSeconds: Math.round((realNow - new Date(s.startedAt).getTime()) / 1000),
        rate1m: s.rate1m,
        rate5m: s.rate5m,
      })),
      dlq,
      parked,
      outbox,
      indicators: {
        fiscalYear: tracked?.fiscalYear ?? null,
        units,
        byStatus,
        settled,
        bindingsError: tracked?.bindingsError ?? null,
      },
      budget: {
        funds: round2(funds),
        spent: round2(spentYuan / 10_000),
        executionRate: funds > 0 ? round2((spentYuan / (funds * 10_000)) * 100) : null,
        timeElapsed: tracked?.fiscalYear ? timeElapsed(tracked.fiscalYear, now, this.config.timeZone) : null,
      },
      snapshot: {
        parts: [...SNAPSHOT_PARTS],
        asOf: new Date(snap.at).toISOString(),
        ageSeconds: Math.max(0, Math.round((this.realClock.now() - snap.at) / 1000)),
        everySeconds: Math.round(this.config.http.statusSnapshotMs / 1000),
      },
      errors: { ...consumers.errors, ...errors },
    };
  }

  /**
   * DLQ, parked units and outbox: each reads a whole collection (86,000 notifications, 100,000
   * progress documents in a province), so they are read at most every IW_STATUS_SNAPSHOT_EVERY,
   * one reading at a time shared by every request. A request after that age answers from the last
   * reading (its time is in `snapshot`) and starts the next one in the background; without a
   * good reading (none yet, or the last one failed somewhere) it waits for the next.
   */
  private async slowParts(realNow: number): Promise<Snapshot> {
    const last = this.snapshot;
    const good = last !== null && Object.keys(last.errors).length === 0;
    const every = this.config.http.statusSnapshotMs;
    // Fresh enough; or the last reading ended less than its own duration ago: readings are at
    // most every `every` and take the server at most half the time however slow they are.
    if (good && every > 0 && (realNow - last.at < every || realNow - last.doneAt < last.doneAt - last.at)) return last;
    const reading = (this.reading ??= this.readSlowParts().finally(() => {
      this.reading = null;
    }));
    if (good && every > 0) return last;
    return reading;
  }

  /** One reading of the snapshot's parts; never rejects (a part that failed is under `errors`). */
  private async readSlowParts(): Promise<Snapshot> {
    const at = this.realClock.now();
    const errors: Record<string, string> = {};
    const part = partOf(errors);
    const [dlq, parked, outbox] = await Promise.all([
      part('dlq', { count: 0, byReason: {}, latest: [] }, () => this.dlq()),
      part('parked', [] as OpsStatus['parked'], () => this.store.progress.parked()),
      part(
        'outbox',
        {
          backlog: 0,
          oldestPendingAgeSeconds: null,
          failing: 0,
          permanentFailures: 0,
          sent: 0,
          muted: 0,
        },
        () => this.outbox(at),
      ),
    ]);
    const snap: Snapshot = { at, doneAt: this.realClock.now(), dlq, parked, outbox, errors };
    if (!this.snapshot || this.snapshot.at <= at) this.snapshot = snap;
    return snap;
  }

  /** Committed offset, end offset and lag per partition for the ingest and alerting groups. */
  private async consumers(): Promise<{ groups: OpsStatus['consumers']; errors: Record<string, string> }> {
    const errors: Record<string, string> = {};
    let existing: Set<string> | null = null;
    try {
      existing = new Set(await this.kafka.topics(KAFKA_TIMEOUT_MS));
    } catch (e) {
      errors.kafka = (e as Error).message;
    }
    const groups = await Promise.all(
      (['ingest', 'alerting'] as const).map(async (role) => {
        const group = this.config.kafka.groups[role];
        const topics = CONSUMED_TOPICS[role].map((r) => this.config.kafka.topics[r]);
        const present = existing ? topics.filter((t) => existing.has(t)) : [];
        let error: string | null = existing ? null : 'Kafka is not reachable';
        let partitions: OpsStatus['consumers'][number]['partitions'] = [];
        if (existing && present.length < topics.length)
          error = `topics missing: ${topics.filter((t) => !existing.has(t)).join(', ')}`;
        if (present.length) {
          try {
            partitions = await this.kafka.lag(group, present, KAFKA_TIMEOUT_MS);
          } catch (e) {
            error = (e as Error).message;
          }
        }
        return {
          role,
          group,
          topics,
          partitions,
          totalLag: error && partitions.length === 0 ? null : sum(partitions.map((p) => p.lag)),
          error,
        };
      }),
    );
    return { groups, errors };
  }

  private async dlq(): Promise<OpsStatus['dlq']> {
    const { count, byReason, latest } = await this.store.dlq.overview(DLQ_LATEST);
    return {
      count,
      byReason,
      latest: latest.map((d) => ({
        at: new Date(d.at).toISOString(),
        topic: d.topic,
        partition: d.partition,
        offset: d.offset,
        reasonClass: d.reasonClass,
        reason: d.reason,
      })),
    };
  }

  private async outbox(realNow: number): Promise<OpsStatus['outbox']> {
    const s = await this.store.outbox.stats();
    return {
      backlog: s.pending,
      // enqueuedAt is wall-clock time: the age is real seconds waiting, as of the reading.
      oldestPendingAgeSeconds: s.oldestPendingAt
        ? Math.max(0, Math.round((realNow - new Date(s.oldestPendingAt).getTime()) / 1000))
        : null,
      failing: s.failing,
      permanentFailures: s.permanentFailures,
      sent: s.sent,
      muted: s.muted,
    };
  }
}

/** Per-topic counters summed over instances; a topic's rates only when every instance reports them per topic. */
export function topicFigures(
  instances: readonly ServiceStatsDoc[],
  topics: readonly string[],
): OpsStatus['events']['topics'] {
  return topics.map((topic) => {
    const entries = instances.flatMap((s) =>
      Array.isArray(s.topics) ? s.topics.filter((t) => t.topic === topic) : [],
    );
    const rates = entries;
    const hasRates =
      entries.length > 0 && rates.every((r) => typeof r.rate1m === 'number' && typeof r.rate5m === 'number');
    const last = entries
      .map((e) => (e.lastEventAt ? new Date(e.lastEventAt).getTime() : 0))
      .reduce((a, b) => Math.max(a, b), 0);
    return {
      topic,
      events: sum(entries.map((e) => e.events)),
      rejected: sum(entries.map((e) => e.rejected)),
      duplicates: sum(entries.map((e) => e.duplicates)),
      rate1m: hasRates ? round2(sum(rates.map((r) => r.rate1m!))) : null,
      rate5m: hasRates ? round2(sum(rates.map((r) => r.rate5m!))) : null,
      lastEventAt: last > 0 ? new Date(last).toISOString() : null,
    };
  });
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
const round2 = (n: number) => Math.round(n * 100) / 100;
