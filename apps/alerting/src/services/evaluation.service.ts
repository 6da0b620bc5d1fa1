import { Inject, Injectable, Logger } from '@nestjs/common';
import type { UnitEvaluation } from '@iw/alerts';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { progressMessageSchema, type ActualsRole } from '@iw/events';
import type { InboundBatch } from '@iw/kafka';
import {
  asOfFor,
  judgedProgressOf,
  sourcesOf,
  type JudgedProgress,
  type Progress,
  type TrackedUnit,
} from '@iw/measures';
import { EvaluationRepository, ProgressRepository, WritesLater, type EvaluationWrite } from '@iw/mongo';
import { relativeBaseOf, riskConfigOf, type RiskConfig } from '@iw/risk';
import { previousYearId } from '@iw/targets';
import { ALERTING_OPTIONS, APP_CONFIG, CLOCK, REAL_CLOCK, type AlertingOptions } from '../alerting.tokens';
import { assess, infoKeyOf, needsWrite, type Verdict } from '../utils/assess';
import { progressSlices } from '../utils/progress-slices';
import { Serial } from '../utils/serial';
import { AlertingMetrics } from './alerting.metrics';
import { AlertService, type AlertStageTimes, type SweepAlerts } from './alert.service';
import { CatalogueService, ofClosedYear, type CatalogueView } from './catalogue.service';
import { OutboxSignal } from './outbox-signal';
import { WatermarkService } from './watermark.service';

const MAX_CAS_ROUNDS = 8;
const SWEEP_CHUNK = 500;
/** Most tracked units merged into one progress-triggered evaluation. */
const MAX_MERGED = 2000;
/**
 * How soon (real ms) units that waited for their sources' watermarks are tried again: ingest
 * stores its watermarks once a second, so a unit whose progress message came first is judged
 * within about a second of it — not at the next daily sweep.
 */
const WAITING_RETRY_MS = 1000;
/**
 * How long (real ms) a progress batch's claimed documents wait for the sender to be quiet before
 * they are written: the bench's 200-unit burst took 1.2–2.5 s from publish to its last mail. The
 * batch's offsets are committed after the writes, so this is also the most they are held back.
 */
const SENDER_QUIET_MS = 3000;
/**
 * How long (real ms) a later sweep waits for the progress messages published so far to be
 * judged (their batches' offsets committed) before it judges on what is kept: a batch is
 * committed after its mails and writes, SENDER_QUIET_MS at most after it was judged.
 */
const SWEEP_JUDGED_WAIT_MS = 2 * SENDER_QUIET_MS;

interface MergedRun {
  ids: Set<string>;
  done: Promise<number>;
  /** Called once its units are judged (their claims made), before their documents are written. */
  onJudged: Array<() => void>;
}

export type Trigger = 'progress' | 'sweep' | 'pending' | 'watermark';

/** Chunks evaluated under one catalogue view (a sweep's, or the retry of waiting units). */
interface Run {
  view: CatalogueView;
  /** Judge on what each stored evaluation was judged on (later sweeps of a process)… */
  fromJudged?: boolean;
  /** … as of these watermarks, up to which every progress message was judged (else the current ones). */
  marks?: ReadonlyMap<ActualsRole, number | null>;
  /** A sweep's alerts: which exist, and today's figures of the open ones (AlertService.onEvaluations). */
  alerts?: SweepAlerts;
  /** How many units were judged, and the earliest time one was judged as of; how many wait. */
  seen?: { judged: number; asOf: number | null; waiting: number };
}

/**
 * Evaluate stage: tracked units → risk engine → anti-flap → `evaluations` → alert pipeline.
 * Driven by indicators.progress batches, by the sweep (every unit: deadline windows, no data,
 * qualitative due dates; then repeats) and by pending statuses coming due.
 */
@Injectable()
export class EvaluationService {
  private readonly logger = new Logger(EvaluationService.name);
  private readonly serial = new Serial();
  /** Progress batches' claimed documents, written one batch after another (writeAfterMails). */
  private readonly afterMails = new Serial();
  private readonly risk: RiskConfig;
  private readonly realNow: () => number;
  /** The last sweep this process finished: when (domain ms) and how many units it judged. */
  lastSweep: { at: number; units: number } | null = null;
  private queued: MergedRun | null = null;
  private sweepQueued: Promise<void> | null = null;
  /** Whether the queued sweep has read the watermarks it will judge as of (sweepWhenJudged). */
  private sweepMarksRead = false;
  /** The sweep asked for after the queued one read its watermarks: run once that one is done. */
  private sweepAfter: Promise<void> | null = null;
  /** Units not judged yet because a source's watermark is unknown; tried again on a timer. */
  private readonly waiting = new Set<string>();
  private waitingTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /**
   * Per partition of indicators.progress, the offset after the last message this process has
   * judged: its claims are made and read here (VersionedDocs.find) before the batch's documents
   * are written and its offsets committed, so a sweep of this process need not wait for those.
   */
  private readonly judgedHere = new Map<number, bigint>();
  /** Aborted by `stop`: a sweep waiting for progress messages to be judged gives up. */
  private readonly stopping = new AbortController();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ALERTING_OPTIONS) options: AlertingOptions,
    private readonly catalogue: CatalogueService,
    private readonly alerts: AlertService,
    private readonly metrics: AlertingMetrics,
    private readonly progress: ProgressRepository,
    private readonly evaluations: EvaluationRepository,
    private readonly watermarks: WatermarkService,
    private readonly signal: OutboxSignal,
  ) {
    this.risk = riskConfigOf(catalogue.pacePlan, { noDataGraceMs: config.alerting.noDataGraceMs });
    this.realNow = () => this.realClock.now();
  }

  /** One batch of indicators.progress: resolves once its evaluations and notifications are durable. */
  async onProgressBatch(batch: InboundBatch): Promise<void> {
    const ids = new Set<string>();
    let invalid = 0;
    let lastAt = 0;
    for (const m of batch.messages) {
      try {
        const parsed = progressMessageSchema.safeParse(JSON.parse(m.value?.toString('utf8') ?? ''));
        if (parsed.success) {
          ids.add(parsed.data.trackedId);
          lastAt = Math.max(lastAt, Date.parse(parsed.data.at) || 0);
        } else invalid += 1;
      } catch {
        invalid += 1;
      }
    }
    // Progress messages come from ingest, not from upstream: a bad one is a bug to log, not a DLQ case.
    if (invalid) this.logger.warn(`${invalid} unreadable message(s) on ${batch.topic}[${batch.partition}] skipped`);
    this.metrics.observeMessages(batch.topic, batch.messages.length, invalid, lastAt || null);
    const last = batch.messages.at(-1)?.offset;
    const judged = () => {
      if (last !== undefined) this.judgedHere.set(batch.partition, BigInt(last) + 1n);
    };
    try {
      if (ids.size) await this.evaluate([...ids], 'progress', judged);
      else judged();
    } catch (e) {
      // Not stored: redelivered, and judged again (this process's claims may be forgotten).
      this.judgedHere.delete(batch.partition);
      throw e;
    }
  }

  /**
   * Re-evaluates the given tracked units now (unknown ids are skipped). Progress batches that
   * arrive while an evaluation runs (one per partition) are merged into the next one, so a burst
   * costs a few round trips to MongoDB instead of a few per partition batch; each caller's
   * promise resolves once an evaluation that started after its call has stored its units.
   */
  evaluate(ids: readonly string[], trigger: Trigger, onJudged?: () => void): Promise<number> {
    if (trigger !== 'progress') return this.serial.run(() => this.judgeNow(ids, trigger));
    const q = this.queued;
    if (q && q.ids.size + ids.length <= MAX_MERGED) {
      for (const id of ids) q.ids.add(id);
      if (onJudged) q.onJudged.push(onJudged);
      return q.done;
    }
    const next: MergedRun = { ids: new Set(ids), done: Promise.resolve(0), onJudged: onJudged ? [onJudged] : [] };
    this.queued = next;
    // Judged in turn with the other evaluations; its claimed documents are written after its
    // mails, outside that turn, so the next batch is judged meanwhile (this process reads what
    // it claimed: VersionedDocs.find). The caller (the batch's offsets) waits for both.
    const later = new WritesLater();
    const judged = this.serial.run(() => {
      if (this.queued === next) this.queued = null;
      return this.evaluateNow([...next.ids], trigger, later);
    });
    next.done = judged.then(
      async (enqueued) => {
        for (const f of next.onJudged) f();
        await this.afterMails.run(() => this.writeAfterMails(later));
        return enqueued;
      },
      async (e: unknown) => {
        // What the claims decided is written all the same (else the next writer rolls it forward).
        await this.afterMails.run(() => later.flush()).catch(() => undefined);
        throw e;
      },
    );
    return next.done;
  }

  /**
   * A progress batch's claimed documents (evaluations, judged progress, alerts) written once the
   * sender is quiet, or after SENDER_QUIET_MS: not in turns with the batch's mails' writes.
   */
  private async writeAfterMails(later: WritesLater): Promise<void> {
    if (!later.size) return;
    const started = this.realNow();
    await this.signal.quiet(SENDER_QUIET_MS);
    const writing = this.realNow();
    await later.flush();
    this.logger.debug(
      `progress: claimed documents written in ${this.realNow() - writing} ms, after ${writing - started} ms for the sender to be quiet`,
    );
  }

  /** evaluateNow, its claimed documents written before it returns. */
  private async judgeNow(ids: readonly string[], trigger: Trigger, run?: Run): Promise<number> {
    const later = new WritesLater();
    try {
      const enqueued = await this.evaluateNow(ids, trigger, later, run);
      await later.flush();
      return enqueued;
    } catch (e) {
      await later.flush().catch(() => undefined);
      throw e;
    }
  }

  /**
   * Every tracked unit, then the repeats of open alerts. A sweep asked for while another waits
   * to start joins that one (taking the lead twice in a row does not sweep twice).
   */
  sweep(reason: string): Promise<void> {
    if (this.sweepQueued) {
      // One that has read its watermarks already (while it waits for progress messages to be
      // judged) would not judge as of what this request came for (a new day in event time):
      // such requests get one sweep after it, on watermarks read then.
      if (!this.sweepMarksRead) return this.sweepQueued;
      this.sweepAfter ??= this.sweepQueued
        .catch(() => undefined)
        .then(() => {
          this.sweepAfter = null;
          return this.sweep(reason);
        });
      return this.sweepAfter;
    }
    this.sweepMarksRead = false;
    const queued: Promise<void> = this.sweepWhenJudged().then((marks) =>
      this.serial.run(async () => {
        if (this.sweepQueued === queued) this.sweepQueued = null;
        // Stopping while it waited: nothing to sweep for any more.
        if (!this.stopped) await this.sweepNow(reason, marks);
      }),
    );
    this.sweepQueued = queued;
    return queued;
  }

  /**
   * The first sweep of this process reads every unit's progress (what changed while it was down
   * may not be judged yet); later ones judge each unit again on the progress its stored
   * evaluation was judged on, as of watermarks up to which every progress message has been
   * judged (WatermarkService.judgedUpTo; waited for outside the serial turns, so the progress
   * batches it waits for are judged meanwhile). Null: this sweep reads every unit's progress.
   */
  private async sweepWhenJudged(): Promise<ReadonlyMap<ActualsRole, number | null> | null> {
    if (this.lastSweep === null) return null;
    this.sweepMarksRead = true;
    const marks = await this.watermarks
      .judgedUpTo(SWEEP_JUDGED_WAIT_MS, this.judgedHere, this.stopping.signal)
      .catch((e: Error) => {
        this.logger.warn(`watermarks not read: ${e.message}`);
        return null;
      });
    if (!marks && !this.stopping.signal.aborted)
      this.logger.log(
        `progress messages not all judged within ${SWEEP_JUDGED_WAIT_MS} ms: this sweep reads every unit's progress`,
      );
    return marks;
  }

  private async sweepNow(reason: string, judgedMarks: ReadonlyMap<ActualsRole, number | null> | null): Promise<void> {
    const started = this.realNow();
    const first = this.lastSweep === null;
    // One catalogue view for the whole sweep: checking for a re-import costs a scan of the
    // catalogue on FerretDB, which per chunk was most of a 100k-unit sweep's time.
    const view = await this.catalogue.current(started);
    if (!view) return;
    const ids = [...view.units.keys()];
    const fromJudged = judgedMarks !== null;
    const seen = { judged: 0, asOf: null as number | null, waiting: 0 };
    const alerts = await this.alerts.sweepContext(view.units);
    const run: Run = { view, fromJudged, alerts, seen, ...(judgedMarks ? { marks: judgedMarks } : {}) };
    let enqueued = 0;
    for (let i = 0; i < ids.length; i += SWEEP_CHUNK)
      enqueued += await this.judgeNow(ids.slice(i, i + SWEEP_CHUNK), 'sweep', run);
    const evaluated = this.realNow();
    const now = this.clock.now();
    enqueued += await this.alerts.onSweep(now, (id) => !ofClosedYear(id, this.catalogue.closedYears), alerts.latest);
    const done = this.realNow();
    // An evaluation is written only when what it says changed: this record says as of when
    // the stored ones hold (every unit judged but those still waiting for a watermark).
    this.lastSweep = { at: now, units: ids.length };
    await this.evaluations.recordSweep({
      at: new Date(now),
      asOf: new Date(seen.asOf ?? now),
      units: ids.length,
      judged: seen.judged,
      waiting: seen.waiting,
      seconds: (done - started) / 1000,
    });
    this.logger.log(
      `sweep (${reason}) at ${new Date(now).toISOString()}: ${ids.length} units in ${done - started} ms (evaluations ${evaluated - started} ms${fromJudged ? '' : ', progress read'}; reminders and escalations ${done - evaluated} ms), ${enqueued} notification(s) enqueued`,
    );
    if (first) {
      const kept = await this.evaluations.keepStatuses();
      if (kept)
        this.logger.log(`${kept} project evaluation document(s) written before 'statuses' was kept now have it`);
    }
  }

  /** Units whose pending status has held for IW_PENDING_FOR by now. */
  async evaluatePendingDue(): Promise<void> {
    const ids = await this.evaluations.pendingDue(new Date(this.clock.now()));
    if (ids.length) await this.evaluate(ids, 'pending');
  }

  /** Whether nothing is queued or running (nor a progress batch's documents to write). */
  async idle(): Promise<void> {
    await this.sweepAfter?.catch(() => undefined);
    await this.sweepQueued?.catch(() => undefined);
    await this.serial.idle();
    await this.afterMails.idle();
  }

  /** No more retries of waiting units (the app is stopping); what runs finishes. */
  stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    if (this.waitingTimer) clearTimeout(this.waitingTimer);
    this.waitingTimer = null;
    return this.idle();
  }

  /**
   * Units that wait for their sources' watermarks, from a progress message or a sweep: judged
   * again after WAITING_RETRY_MS, in sweep-sized chunks under one catalogue view; those still
   * waiting come back here. (A sweep's waiting units must not wait for the next day's sweep: at
   * start-up the broker may not yet say how far ingest got.)
   */
  private retryLater(ids: readonly string[]): void {
    for (const id of ids) this.waiting.add(id);
    if (this.waitingTimer || this.stopped) return;
    this.waitingTimer = setTimeout(() => {
      this.waitingTimer = null;
      if (this.stopped) return;
      const again = [...this.waiting];
      this.waiting.clear();
      this.serial
        .run(async () => {
          const view = await this.catalogue.current(this.realNow());
          if (!view) return;
          for (let i = 0; i < again.length && !this.stopped; i += SWEEP_CHUNK)
            await this.judgeNow(again.slice(i, i + SWEEP_CHUNK), 'watermark', { view });
        })
        .catch((e: Error) => {
          this.logger.warn(`units waiting for watermarks not evaluated (${e.message}); trying again`);
          this.retryLater(again);
        });
    }, WAITING_RETRY_MS);
    this.waitingTimer.unref();
  }

  /**
   * Judges `ids` and steps their alerts; the claimed documents are left in `later` (the caller
   * writes them: judgeNow, or a progress batch's writeAfterMails).
   */
  private async evaluateNow(ids: readonly string[], trigger: Trigger, later: WritesLater, run?: Run): Promise<number> {
    const started = this.realNow();
    const view = run?.view ?? (await this.catalogue.current(started));
    const fromJudged = run?.fromJudged ?? false;
    if (!view) return 0;
    // Each unit is judged as of the event time its sources have been processed to (read before
    // its progress, so the progress is at least that recent); one not yet known waits.
    const now = this.clock.now();
    const marks = run?.marks ?? (await this.watermarks.current());
    const units = new Map<string, TrackedUnit>();
    const asOf = new Map<string, number>();
    const waiting: string[] = [];
    for (const id of ids) {
      const unit = view.units.get(id);
      if (!unit) continue;
      const at = asOfFor(now, sourcesOf(unit, view.sources), marks);
      if (at === null) waiting.push(id);
      else {
        units.set(id, unit);
        asOf.set(id, at);
      }
    }
    if (run?.seen) {
      run.seen.waiting += waiting.length;
      run.seen.judged += units.size;
      for (const at of asOf.values()) if (run.seen.asOf === null || at < run.seen.asOf) run.seen.asOf = at;
    }
    if (waiting.length) {
      this.logger.debug(`${trigger}: ${waiting.length} unit(s) wait for their sources' watermarks`);
      this.retryLater(waiting);
    }
    if (units.size === 0) return 0;
    const ctx = {
      now,
      timeZone: this.config.timeZone,
      pendingForMs: this.config.alerting.pendingForMs,
      risk: this.risk,
    };

    // Year-on-year targets are judged against last year's actual of the same indicator.
    const lastYearIds = new Map<string, string>();
    for (const [id, unit] of units) {
      const prev = unit.target.kind === 'relative' ? previousYearId(id) : null;
      if (prev) lastYearIds.set(id, prev);
    }
    const lastYear: Map<string, Progress> = lastYearIds.size
      ? await this.progress.find([...lastYearIds.values()])
      : new Map<string, Progress>();

    const t = { read: 0, save: 0, unchanged: 0, alerts: 0, alert: { read: 0, enqueue: 0, save: 0 } };
    let judged = 0;
    let enqueued = 0;
    const slices = trigger === 'progress' ? progressSlices(units) : [[...units.keys()]];
    // The evaluations' and alerts' claims decide at once; their documents are written by the
    // caller (`later`), after the last slice's notifications.
    for (const slice of slices) {
      const r = await this.judgeAndAlert(
        slice,
        units,
        asOf,
        lastYear,
        lastYearIds,
        view,
        fromJudged,
        ctx,
        t,
        later,
        run,
      );
      judged += r.judged;
      enqueued += r.enqueued;
    }
    const took = this.realNow() - started;
    this.metrics.observeEvaluation(trigger, judged, took);
    this.logger.debug(
      `${trigger}: ${judged} unit(s) in ${took} ms${slices.length > 1 ? ` (${slices.length} slices)` : ''} (${t.unchanged} unchanged; read ${t.read}, save ${t.save}, alerts ${t.alerts} [read ${t.alert.read}, enqueue ${t.alert.enqueue}, save ${t.alert.save}]: ${enqueued} enqueued)`,
    );
    return enqueued;
  }

  /**
   * Judges `ids` (compare-and-set on their stored evaluations, MAX_CAS_ROUNDS at most), then
   * steps their alerts (outbox first, then the alerts); the stage times add up in `t`.
   */
  private async judgeAndAlert(
    ids: readonly string[],
    units: ReadonlyMap<string, TrackedUnit>,
    asOf: ReadonlyMap<string, number>,
    lastYear: ReadonlyMap<string, Progress>,
    lastYearIds: ReadonlyMap<string, string>,
    view: CatalogueView,
    fromJudged: boolean,
    ctx: Omit<Parameters<typeof assess>[3], 'asOf'>,
    t: { read: number; save: number; unchanged: number; alerts: number; alert: AlertStageTimes },
    later: WritesLater,
    run?: Run,
  ): Promise<{ judged: number; enqueued: number }> {
    const { now } = ctx;
    const done = new Map<string, Verdict>();
    let todo = [...ids];
    for (let round = 0; round < MAX_CAS_ROUNDS && todo.length > 0; round++) {
      // A unit another writer moved is read again from the stored evaluations: what this
      // writer's claims decided so far is written first, so that read is not behind them.
      if (round > 0) await later.flush();
      let mark = this.realNow();
      const { evaluations: previous, judged } = await this.evaluations.findWithJudged(todo);
      // Judged again on what the stored evaluation was judged on, or on the progress as stored
      // (then kept beside the evaluation when it is newer than what is kept there).
      const unread = fromJudged ? todo.filter((id) => !judged.has(id)) : todo;
      const read: Map<string, Progress> = unread.length
        ? await this.progress.find(unread)
        : new Map<string, Progress>();
      const fresh = new Set(unread);
      t.read += this.realNow() - mark;
      const writes: EvaluationWrite[] = [];
      for (const id of todo) {
        const unit = units.get(id)!;
        try {
          const info = view.info.get(infoKeyOf(unit));
          const base =
            unit.target.kind === 'relative'
              ? relativeBaseOf(unit.target.baseline, lastYear.get(lastYearIds.get(id) ?? '') ?? null)
              : undefined;
          const progress: JudgedProgress | null = fresh.has(id) ? (read.get(id) ?? null) : (judged.get(id) ?? null);
          const a = assess(unit, progress, previous.get(id) ?? null, { ...ctx, asOf: asOf.get(id)! }, info, base);
          done.set(id, a);
          const stored = previous.get(id) ?? null;
          const keep = fresh.has(id) ? (progress ? judgedProgressOf(progress) : null) : undefined;
          const kept = judged.get(id);
          const keepChanged =
            keep !== undefined && (kept === undefined || (kept?.version ?? null) !== (keep?.version ?? null));
          if (keepChanged || needsWrite(a.doc, stored))
            writes.push({
              doc: a.doc,
              expectedRev: stored?.rev ?? null,
              ...(keep !== undefined ? { judged: keep } : {}),
            });
          else t.unchanged += 1;
        } catch (e) {
          this.logger.error(`cannot evaluate ${id}: ${(e as Error).message}`);
        }
      }
      mark = this.realNow();
      todo = await this.evaluations.save(writes, later);
      t.save += this.realNow() - mark;
    }
    // Units still contended were decided by whoever won; their alerts follow that evaluation.
    for (const id of todo) done.delete(id);
    const forAlerts: UnitEvaluation[] = [];
    for (const a of done.values()) if (a.forAlert) forAlerts.push(a.forAlert);
    const alertsAt = this.realNow();
    const enqueued = await this.alerts.onEvaluations(forAlerts, now, run?.alerts, t.alert, later);
    t.alerts += this.realNow() - alertsAt;
    return { judged: done.size, enqueued };
  }
}
