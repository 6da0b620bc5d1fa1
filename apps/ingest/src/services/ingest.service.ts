import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import {
  buildDlqRecord,
  contentHash,
  decodeActual,
  futureEventReason,
  keyFor,
  REDRIVE_HEADER,
  type ActualsRole,
  type DlqReason,
  type ProgressMessage,
} from '@iw/events';
import type { BatchControl, InboundBatch, InboundMessage } from '@iw/kafka';
import { KafkaProducer } from '@iw/kafka';
import { dlqLogLines } from '@iw/dlq';
import {
  applyOrParkBounded,
  correctionEffect,
  effectOf,
  fiscalYearOf,
  progressMessageOf,
  route,
  type AppliedEvent,
  type Progress,
  type TrackedUnit,
} from '@iw/measures';
import {
  DlqRepository,
  dlqDocOf,
  EventIdRepository,
  MONGO_CONNECTION,
  ProgressRepository,
  pruneIngest,
  type Connection,
  type Pruned,
  type YearBindings,
} from '@iw/mongo';
import { APP_CONFIG, CLOCK, REAL_CLOCK } from '../ingest.module.tokens';
import { BindingsService } from './bindings.service';
import { IngestMetrics } from './ingest.metrics';
import { WatermarkService } from './watermark.service';

/**
 * Unit states kept between batches (ProgressRepository.rememberStates): about 8 MB of text at
 * most, and beside each the state it was made from (about twice its text as objects), so about
 * what 16 MB of text alone took before the store kept those.
 */
const REMEMBERED_STATES = { maxEntries: 5000, maxChars: 8 << 20, ttlMs: 60_000 };

interface Rejected {
  message: InboundMessage;
  reason: DlqReason;
  /** conflicting_duplicate: the first delivery of the event id. */
  firstSeen?: { topic: string; partition: number; offset: string; value: string | null };
}

interface Accepted {
  message: InboundMessage;
  eventId: string;
  contributions: AppliedEvent[];
  /** A correction: the event it corrects, and whether it only takes that event's effect back. */
  corrects?: string;
  retract?: boolean;
}

/**
 * One batch of one partition, start to finish:
 *
 *   decode → route → claim event ids (one segment of the topic's log) → load progress → apply
 *   (pure) → claim versions → write → DLQ (Kafka + MongoDB) → publish indicators.progress →
 *   return (the transport commits)
 *
 * Nothing is committed before its effects are durable; a crash anywhere replays the batch, and
 * replays change nothing: upstream duplicates are caught by the event-id log, Kafka
 * redeliveries by each unit's per-partition offset fence. A batch costs one event-id segment
 * and two writes per unit it changes, however many events it holds.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MONGO_CONNECTION) private readonly conn: Connection,
    private readonly producer: KafkaProducer,
    private readonly bindings: BindingsService,
    private readonly metrics: IngestMetrics,
    private readonly progress: ProgressRepository,
    private readonly eventIds: EventIdRepository,
    private readonly dlq: DlqRepository,
    private readonly watermarks: WatermarkService,
  ) {
    // A unit's next version is computed from the state this process claimed last, without
    // reading it back (a version claimed meanwhile by another writer makes the claim lose, and
    // the winner's state is read). A minute at most, far below the claims' retention (≥ 1 h).
    progress.rememberStates(REMEMBERED_STATES);
  }

  async processBatch(role: ActualsRole, batch: InboundBatch, control: BatchControl): Promise<void> {
    if (batch.messages.length === 0) return;
    const started = this.realClock.now();
    const years = await this.bindings.years(started);
    const rejected: Rejected[] = [];
    const accepted: Accepted[] = [];
    const clockNow = this.clock.now();
    // The latest event time of the batch (valid events not from the future): the partition's watermark once durable.
    let eventTime: number | null = null;

    for (const message of batch.messages) {
      const decoded = decodeActual(role, message.value);
      if (!decoded.ok) {
        rejected.push({ message, reason: decoded.reason });
        continue;
      }
      const future = futureEventReason(decoded.event.occurredAt, clockNow, this.config.maxClockSkewMs);
      if (future) {
        rejected.push({ message, reason: future });
        continue;
      }
      const occurred = Date.parse(decoded.event.occurredAt);
      if (Number.isFinite(occurred)) eventTime = Math.max(eventTime ?? -Infinity, occurred);
      // An event counts in the fiscal year of its date: routed against that year's catalogue.
      const year = fiscalYearOf(decoded.event.occurredAt, this.config.timeZone);
      const closed = years.closed.get(year);
      if (closed) {
        rejected.push({
          message,
          reason: {
            class: 'year_closed',
            message: `fiscal year ${year} was closed at ${closed.closedAt.toISOString()} by ${closed.closedBy}: an event dated ${decoded.event.occurredAt} no longer counts`,
          },
        });
        continue;
      }
      const routed = route(decoded.event, role, years.byYear.get(year) ?? years.newest);
      if (!routed.ok) {
        rejected.push({ message, reason: routed.reason });
        continue;
      }
      const position = { topic: message.topic, partition: message.partition, offset: Number(message.offset) };
      accepted.push({
        message,
        eventId: decoded.event.eventId,
        contributions: routed.contributions.map((c) => ({
          trackedId: c.trackedId,
          eventId: c.eventId,
          occurredAt: c.occurredAt,
          input: c.input,
          position,
        })),
        ...(decoded.event.corrects !== undefined
          ? { corrects: decoded.event.corrects, retract: decoded.event.retract === true }
          : {}),
      });
    }

    const decodedAt = this.realClock.now();
    const now = new Date(this.clock.now());
    // The log's times are wall-clock: retention is about the store, not about domain time.
    const verdicts = await this.eventIds.claim(
      role,
      accepted.map((a) => ({
        eventId: a.eventId,
        partition: a.message.partition,
        offset: Number(a.message.offset),
        hash: contentHash(a.message.value!),
        text: a.message.value!.toString('utf8'),
        ...(a.corrects !== undefined ? { corrects: a.corrects } : {}),
      })),
      new Date(this.realClock.now()),
    );
    // Upstream duplicates count once (at their first delivery); conflicting ones go to the DLQ.
    const counted: Accepted[] = [];
    accepted.forEach((a, i) => {
      const v = verdicts[i];
      if (v.kind === 'first' || v.kind === 'redelivery') counted.push(a);
      else if (v.kind === 'uncorrectable')
        rejected.push({ message: a.message, reason: { class: v.reason, message: v.message } });
      else if (v.kind === 'conflict')
        rejected.push({
          message: a.message,
          reason: {
            class: 'conflicting_duplicate',
            message: `event id ${JSON.stringify(a.eventId)} was first seen at ${a.message.topic}:${v.first.partition}:${v.first.offset} with different content; the first counts, this one does not`,
          },
          firstSeen: {
            topic: a.message.topic,
            partition: v.first.partition,
            offset: String(v.first.offset),
            value: v.first.text,
          },
        });
    });
    const conflicts = accepted.length - counted.length - verdicts.filter((v) => v.kind === 'duplicate').length;
    await control.heartbeat();
    const claimedAt = this.realClock.now();

    await this.resolveCorrections(role, counted, years);

    const { changed, overflow } = await this.apply(
      counted.flatMap((a) => a.contributions),
      years.units,
      now,
    );
    // Events a full parked unit could not keep aside: to the DLQ, bytes and all (once per message).
    if (overflow.size > 0) {
      const byPosition = new Map(counted.map((a) => [`${a.message.partition}:${a.message.offset}`, a.message]));
      for (const [position, reason] of overflow)
        rejected.push({ message: byPosition.get(position)!, reason: { class: 'parked_full', message: reason } });
    }
    // Big batches take a while on FerretDB: keep the group membership alive between stages.
    await control.heartbeat();
    const appliedAt = this.realClock.now();
    await this.reject(rejected, now);
    await this.publishProgress(changed, now);
    // Durable: the partition has been processed up to this batch's events (written with the next report).
    this.watermarks.observe(batch.topic, batch.partition, eventTime);
    this.logger.debug(
      `${batch.topic}[${batch.partition}] ${batch.messages.length} messages, ${changed.length} units: ` +
        `decode ${decodedAt - started} ms, claim ids ${claimedAt - decodedAt} ms, progress ${appliedAt - claimedAt} ms, dlq+publish ${this.realClock.now() - appliedAt} ms`,
    );

    this.metrics.observeBatch({
      role,
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages.length,
      applied: counted.length,
      duplicates: accepted.length - counted.length - conflicts,
      rejected: rejected.length,
      unitsChanged: changed.length,
      lastOffset: batch.messages[batch.messages.length - 1].offset,
      highWatermark: batch.highWatermark,
      ms: this.realClock.now() - started,
      lastEventAt: now.getTime(),
    });
  }

  /**
   * Each counted correction's contributions become: the corrected event's effect taken back
   * (from its stored text, routed as then), then its own — all at its position (libs/measures
   * correctionEffect). The event-id log decided it may stand (claim), once.
   */
  private async resolveCorrections(role: ActualsRole, counted: Accepted[], years: YearBindings): Promise<void> {
    const corrections = counted.filter((a) => a.corrects !== undefined);
    if (corrections.length === 0) return;
    const texts = await this.eventIds.textsById(
      role,
      corrections.map((a) => a.corrects!),
    );
    const bindingsFor = (occurredAt: string) =>
      years.byYear.get(fiscalYearOf(occurredAt, this.config.timeZone)) ?? years.newest;
    // The corrected event may be in this very batch: its own contributions, as routed now.
    const inBatch = new Map(counted.map((a) => [a.eventId, a.contributions]));
    for (const a of corrections) {
      const text = texts.get(a.corrects!) ?? null;
      const corrected = inBatch.get(a.corrects!) ?? (text === null ? null : effectOf(role, text, bindingsFor));
      if (corrected === null)
        this.logger.warn(
          `${a.message.topic}:${a.message.partition}:${a.message.offset} corrects ${JSON.stringify(a.corrects)}, whose effect is no longer known: only its own counts`,
        );
      const position = { topic: a.message.topic, partition: a.message.partition, offset: Number(a.message.offset) };
      a.contributions = correctionEffect(corrected ?? [], a.contributions, a.retract === true, position);
    }
  }

  /** Deletes what is past its retention (IW_RETENTION_*) among what ingest writes; `nowMs` is wall-clock. */
  prune(nowMs: number): Promise<Pruned> {
    return pruneIngest(this.conn, this.eventIds, this.config.retention, nowMs);
  }

  /**
   * Applies contributions unit by unit. A unit whose next version another writer claimed first
   * (a second instance, or a zombie of a rebalance) is recomputed from that writer's state. A
   * unit whose state cannot take its events is parked (libs/measures `applyOrPark`): its events
   * go aside in its state and the rest of the batch, and of the partition, flows.
   */
  private async apply(
    events: AppliedEvent[],
    units: ReadonlyMap<string, TrackedUnit>,
    now: Date,
  ): Promise<{ changed: Progress[]; overflow: Map<string, string> }> {
    const byUnit = new Map<string, AppliedEvent[]>();
    for (const e of events) {
      const list = byUnit.get(e.trackedId);
      if (list) list.push(e);
      else byUnit.set(e.trackedId, [e]);
    }
    // Per unit (the last computation of it counts: a lost version claim recomputes), `partition:offset` → why.
    const overflowByUnit = new Map<string, Map<string, string>>();
    const changed = await this.progress.update(
      [...byUnit.keys()],
      (before, id) => {
        const unit = units.get(id) as TrackedUnit;
        // A unit that cannot take its events (its measure changed under it …) is parked, not retried forever.
        const { progress, overflow } = applyOrParkBounded(
          before,
          unit,
          byUnit.get(id)!,
          this.config.timeZone,
          now.toISOString(),
          { maxParked: this.config.parkedEventsMax },
        );
        overflowByUnit.set(
          id,
          new Map(
            overflow.map((e) => [
              `${e.position.partition}:${e.position.offset}`,
              `${id} is parked (${progress.parked?.reason ?? ''}) and already keeps ${this.config.parkedEventsMax} events aside (IW_PARKED_EVENTS_MAX); npx iw progress rebuild --unit ${JSON.stringify(id)} counts this one from the topic`,
            ]),
          ),
        );
        if (progress.parked && !before?.parked)
          this.logger.error(
            `parked ${JSON.stringify(id)}: ${JSON.stringify(progress.parked.reason)}; its events are kept aside until npx iw progress rebuild --unit ${JSON.stringify(id)}`,
          );
        return {
          progress,
          indicatorId: unit.indicatorId,
          projectId: unit.projectId,
        };
      },
      now,
    );
    const overflow = new Map<string, string>();
    for (const m of overflowByUnit.values()) for (const [k, why] of m) if (!overflow.has(k)) overflow.set(k, why);
    return { changed, overflow };
  }

  private async reject(rejected: Rejected[], now: Date): Promise<void> {
    if (rejected.length === 0) return;
    const at = now.toISOString();
    const records = rejected.map((r) =>
      buildDlqRecord({ ...r.message, reason: r.reason, at, ...(r.firstSeen ? { firstSeen: r.firstSeen } : {}) }),
    );
    await this.producer.sendJson(
      this.config.kafka.topics.dlq,
      // Keyed like the message it rejects (else topic/partition), so a DLQ consumer groups by it.
      records.map((r) => ({ key: keyFor('dlq', r), value: r })),
    );
    await this.dlq.record(records.map((r, i) => dlqDocOf(r, now, rejected[i].message.headers[REDRIVE_HEADER])));
    for (const line of dlqLogLines(records)) this.logger.warn(line);
  }

  private async publishProgress(changed: Progress[], now: Date): Promise<void> {
    if (changed.length === 0) return;
    const { units } = await this.bindings.years(this.realClock.now());
    const at = now.toISOString();
    await this.producer.sendJson<ProgressMessage>(
      this.config.kafka.topics.progress,
      changed.flatMap((p) => {
        const unit = units.get(p.id);
        return unit ? [{ key: p.id, value: progressMessageOf(p, unit, at) }] : [];
      }),
    );
  }
}
