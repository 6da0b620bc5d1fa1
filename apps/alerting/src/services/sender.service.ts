import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  batch,
  due,
  dueGroups,
  nextWakeUp,
  threadKeysFor,
  render,
  recipientSlices,
  retryPlan,
  stillWaiting,
  waitingAfter,
  type Alert,
  type AlertPipelineOptions,
  type DigestClaim,
  type NotificationHead,
  type Waiting,
} from '@iw/alerts';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { classifySendError, DEFAULT_BACKOFF, mailDate, SmtpSender, type BackoffOptions } from '@iw/mail';
import {
  AlertRepository,
  OutboxRepository,
  toNotification,
  type ClaimedDigest,
  type OutboxDoc,
  type OutboxHead,
  type SendOutcome,
  type StoredAlert,
} from '@iw/mongo';
import { ALERTING_OPTIONS, APP_CONFIG, CLOCK, DEFAULTS, REAL_CLOCK, type AlertingOptions } from '../alerting.tokens';
import { AlertingMetrics } from './alerting.metrics';
import { AlertService } from './alert.service';
import { LeaderService } from './leader.service';
import { OutboxSignal } from './outbox-signal';
import { PendingMirror } from './pending-mirror';

/**
 * Where a pass's time went (real ms, summed over the digests: with several connections the
 * sums exceed the pass): logged at debug level with each pass that sent mail.
 */
class StageTimes {
  /** Settings and the outbox's send queue (stamp, claimed digests due again), before any notification is read. */
  start = 0;
  read = 0;
  claim = 0;
  render = 0;
  thread = 0;
  smtp = 0;
  record = 0;

  toString(): string {
    return `start ${this.start}, read ${this.read}, claim ${this.claim}, render ${this.render}, thread ${this.thread}, smtp ${this.smtp}, record ${this.record} ms`;
  }
}

/** How many polls a pass woken by this process's own enqueue may go on without reading the send queue. */
const FRESH_FOR_POLLS = 5;

/** Accepted mails not marked on the outbox yet past which a pass that sent mail marks them too. */
const MARK_AFTER = 1000;

/** Accepted mails marked on the outbox per write (MAX_STATEMENTS_PER_COMMAND). */
const SETTLE_SLICE = 50;

/** Digests claimed with one insert, then sent. */
const CLAIM_SLICE = 50;
/**
 * Due notifications whose alerts are read, judged and sent together: about this many, whole
 * recipients (a person's due notifications stay together, one digest). A province's first
 * sweep makes tens of thousands due at once; their alerts read in one go were the sender's
 * largest allocation.
 */
const DUE_SLICE = 2_000;

/**
 * The send side, on the leader only: a loop over the stages of libs/alerts send.ts (due →
 * mute → group → claim → render → send → record → next wake-up), with the outbox and SMTP as
 * its only I/O.
 *
 * A digest is claimed (an insert per notification under its key, holding the digest id and
 * Message-ID: atomic, so of two instances that both think they lead only one sends it) before
 * it is sent, so after a crash it goes out again as it was: at most one duplicate per
 * connection, with the same Message-ID. Digests go out `sendConcurrency` at a time over pooled
 * SMTP connections; each outcome is recorded before that connection sends the next. Failures
 * back off (libs/mail) and are retried until the server accepts.
 *
 * The group interval needs when each person was last mailed (domain time): read from the
 * outbox (`sentDomainAt`) the first time a person has mail waiting, then kept up to date by
 * this sender's own sends while it leads; forgotten when the lead changes hands.
 */
@Injectable()
export class SenderService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SenderService.name);
  private readonly smtp: SmtpSender;
  private readonly realNow: () => number;
  private readonly backoff: BackoffOptions;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;
  private timer?: NodeJS.Timeout;
  /** Domain ms of the last mail accepted per recipient (null: none), as far as looked up. */
  private lastSent = new Map<string, number | null>();
  /** What the last pass left waiting for its group (not read again until something changes). */
  private waiting: Waiting | null = null;
  /** The outbox's pending notifications as this sender last saw them. */
  private readonly mirror: PendingMirror;
  /** Real ms of the earliest retry planned by this pass's failed sends, or null. */
  private retryAt: number | null = null;
  /** The current pass's stage times. */
  private times = new StageTimes();
  /** This process enqueued something since the last pass began (OutboxSignal). */
  private fresh = false;
  /** Real ms the last pass that read the outbox's send queue began; null: none yet. */
  private lastQueueReadAt: number | null = null;
  /** Mails the server accepted from this sender so far. */
  private accepted = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ALERTING_OPTIONS) options: AlertingOptions,
    private readonly alerts: AlertService,
    private readonly leader: LeaderService,
    private readonly signal: OutboxSignal,
    private readonly metrics: AlertingMetrics,
    private readonly outbox: OutboxRepository,
    private readonly alertRepo: AlertRepository,
  ) {
    this.concurrency = Math.max(1, options.sendConcurrency ?? config.smtp.connections);
    this.smtp = new SmtpSender({ url: config.smtp.url, pool: this.concurrency });
    this.realNow = () => this.realClock.now();
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.pollMs = options.pollMs ?? DEFAULTS.pollMs;
    this.mirror = new PendingMirror(outbox, this.realNow);
  }

  onApplicationBootstrap(): void {
    this.outbox.onEnqueued((docs) => this.mirror.enqueued(docs));
    this.signal.onEnqueued(() => {
      this.fresh = true;
      this.kick();
    });
    this.leader.onChange((leading) => {
      this.lastSent.clear();
      this.waiting = null;
      this.lastQueueReadAt = null;
      this.mirror.forget();
      if (leading) this.kick();
    });
    this.kick();
  }

  /** Stops taking work, lets the send in flight finish, then gives up the lease. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.smtp.close();
    // Else the next leader does it before its first read of the send queue.
    if (this.leader.isLeader())
      await this.outbox.settleSent().catch((e: Error) => this.logger.warn(`sent mails not marked: ${e.message}`));
    await this.leader.release();
  }

  /** Looks at the outbox now (or right after the pass in progress). */
  kick(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    this.signal.sending(this.running);
  }

  private async loop(): Promise<void> {
    let wait = this.pollMs;
    do {
      this.again = false;
      if (!this.leader.isLeader()) break;
      try {
        wait = await this.pass();
      } catch (e) {
        this.logger.warn(`outbox pass failed: ${(e as Error).message}`);
        this.waiting = null;
        this.mirror.forget();
        wait = this.pollMs;
      }
    } while (this.again && !this.stopping);
    if (!this.stopping) {
      this.timer = setTimeout(() => this.kick(), Math.max(10, Math.min(wait, this.pollMs)));
      this.timer.unref();
    }
  }

  /**
   * One pass over the outbox, stage by stage (libs/alerts send.ts): digests claimed and due
   * again first, then due → mute → group → claim → render → send → record; returns the real ms
   * until the next wake-up.
   */
  private async pass(): Promise<number> {
    const started = this.realNow();
    this.times = new StageTimes();
    this.retryAt = null;
    const fresh = this.fresh;
    this.fresh = false;
    // Woken by this process's own enqueue, with the send queue read lately: what was enqueued
    // is in the mirror already, so it goes out without reading the send queue (a scan of the
    // whole outbox on FerretDB, 100–300 ms, that a burst enqueued in pieces paid before each
    // piece's mails). Passes on the poll read it (retries, other instances' enqueues), and one
    // woken after FRESH_FOR_POLLS polls without such a read does too.
    const known =
      fresh && this.lastQueueReadAt !== null && started - this.lastQueueReadAt < FRESH_FOR_POLLS * this.pollMs
        ? this.mirror.known()
        : null;
    if (known) return this.freshPass(known, started);
    this.lastQueueReadAt = started;
    const acceptedBefore = this.accepted;
    // One read of the outbox for the stamp, the digests due again and the next retry.
    const [options, queue] = await Promise.all([
      this.alerts.pipelineOptions(),
      this.outbox.sendQueue(new Date(this.realNow())),
    ]);
    this.times.start += this.realNow() - started;
    const { stamp, dueClaimed: dueAgain } = queue;
    if (dueAgain.length && !(await this.sendAndRecord(dueAgain, options))) return this.pollMs;

    let nextFlushAt: number | null;
    if (stillWaiting(this.waiting, stamp.key, options, this.clock.now(), this.realNow())) {
      nextFlushAt = this.waiting!.nextFlushAt;
    } else {
      this.waiting = null;
      const readFrom = this.realNow();
      const docs = await this.mirror.current(stamp);
      this.times.read += this.realNow() - readFrom;
      nextFlushAt = await this.sendPending(docs, stamp.key, options, started);
    }

    // Accepted mails are marked on the outbox (their outbox_sent entries settled) by a pass that
    // sent nothing, the burst over; or once MARK_AFTER wait, so outbox_sent stays small.
    if (queue.unmarked >= (this.accepted === acceptedBefore ? 1 : MARK_AFTER)) await this.settleSent(queue.unmarked);

    // The next retry: of the claims read at the start and the failures of this pass (a claim
    // adopted from a crashed send is due later than the poll, which wakes the sender anyway).
    const retries = [queue.nextAttemptAt?.getTime() ?? null, this.retryAt].filter((t): t is number => t !== null);
    return nextWakeUp({
      pollMs: this.pollMs,
      nextFlushAt,
      domainNow: this.clock.now(),
      speed: this.clock.speed,
      nextAttemptAt: retries.length ? Math.min(...retries) : null,
      realNow: this.realNow(),
    });
  }

  /**
   * A pass over what the mirror knows (`known`), without the send queue: this process's own
   * enqueues. Nothing is remembered as waiting (that needs the outbox's stamp); the next
   * wake-up is at most a poll away, and that pass reads the send queue.
   */
  private async freshPass(known: OutboxHead[], started: number): Promise<number> {
    const options = await this.alerts.pipelineOptions();
    this.times.start += this.realNow() - started;
    this.waiting = null;
    const nextFlushAt = await this.sendPending(known, null, options, started);
    return nextWakeUp({
      pollMs: this.pollMs,
      nextFlushAt,
      domainNow: this.clock.now(),
      speed: this.clock.speed,
      nextAttemptAt: this.retryAt,
      realNow: this.realNow(),
    });
  }

  /**
   * group? → due → mute → group → claim → render → send → record over the pending notifications
   * `docs` (from the mirror: read in full once, then what came since); returns when (domain ms)
   * the first group still waiting is due. A pass that changed nothing (all waiting for their
   * group) is remembered under the outbox's stamp (`stampKey`; null: not read, nothing
   * remembered), so the next ones skip even the mirror until something changes.
   */
  private async sendPending(
    docs: OutboxHead[],
    stampKey: string | null,
    options: AlertPipelineOptions,
    started: number,
  ): Promise<number | null> {
    const readFrom = this.realNow();
    if (!docs.length) return null;
    // The heads are notifications (OutboxHead extends NotificationHead): judged as they are.
    const all = docs;
    const now = this.clock.now();
    await this.lookUpLastSent(all.map((n) => n.recipient));
    const lastSentOf = (r: string) => this.lastSent.get(r) ?? null;
    const groups = dueGroups(all, now, options, lastSentOf);
    const pending = all.filter((n) => groups.recipients.has(n.recipient));
    let nextFlushAt = groups.nextFlushAt;
    const counts = { ready: all.length - pending.length, superseded: 0, muted: 0, claims: 0 };
    this.times.read += this.realNow() - readFrom;
    for (const slice of recipientSlices(pending, DUE_SLICE)) {
      const sliceFrom = this.realNow();
      const alerts = await this.alertsOf(slice);
      const alertOf = (id: string): Alert | undefined => alerts.get(id)?.alert;
      this.times.read += this.realNow() - sliceFrom;
      const { ready, superseded } = due(slice, alertOf);
      const batched = batch(ready, alertOf, now, options, lastSentOf);
      const muted = [
        ...superseded.map((n) => ({ key: n.key, reason: 'superseded' })),
        ...batched.muted.map((m) => ({ key: m.notification.key, reason: m.reason })),
      ];
      await this.markMuted(muted);
      this.mirror.remove(muted.map((m) => m.key));
      if (!(await this.claimAndSend(batched.claims, options))) return null;
      counts.ready += ready.length;
      counts.superseded += superseded.length;
      counts.muted += batched.muted.length;
      counts.claims += batched.claims.length;
      if (batched.nextFlushAt !== null)
        nextFlushAt = nextFlushAt === null ? batched.nextFlushAt : Math.min(nextFlushAt, batched.nextFlushAt);
    }
    if (pending.length)
      this.logger.debug(
        `${stampKey === null ? 'fresh pass (send queue not read)' : 'pass'}: ${all.length} pending, ${pending.length} of them due → ${counts.claims} mail(s) sent and recorded in ${this.realNow() - started} ms (${this.times.toString()})`,
      );
    this.waiting =
      stampKey === null
        ? null
        : waitingAfter({ stamp: stampKey, pending: all.length, ...counts }, nextFlushAt, options, this.realNow());
    return nextFlushAt;
  }

  /**
   * Stage `record`, its second half: the outbox documents of the mails accepted (recorded in
   * outbox_sent) marked sent. Not on the way of any mail: a pass that read the send queue and
   * sent nothing does it (MARK_AFTER bounds how many wait meanwhile), and so does shutdown;
   * until then the outbox's reads of what is pending leave them out.
   */
  private async settleSent(waiting: number): Promise<void> {
    const from = this.realNow();
    let settled = 0;
    // A slice at a time, and only while no new mail is waiting for this sender: what is left is
    // marked by a later pass.
    for (let i = 0; i * SETTLE_SLICE < waiting && !this.fresh && !this.again && !this.stopping; i++) {
      const n = await this.outbox.settleSent(SETTLE_SLICE);
      settled += n;
      if (n < SETTLE_SLICE) break;
    }
    if (settled) this.logger.debug(`${settled} notification(s) marked sent in ${this.realNow() - from} ms`);
  }

  /**
   * The alerts of `pending`, as stored; one behind a notification's version is read again with
   * its claimed versions (AlertRepository.load): a progress batch writes its alerts' documents
   * after its mails (see EvaluationService), their claims at once.
   */
  private async alertsOf(pending: readonly NotificationHead[]): Promise<Map<string, StoredAlert>> {
    const alerts = await this.alertRepo.find([...new Set(pending.map((n) => n.notice.alertId))]);
    const behind = new Set<string>();
    for (const n of pending) {
      const stored = alerts.get(n.notice.alertId);
      if (!stored || stored.alert.version < n.notice.version) behind.add(n.notice.alertId);
    }
    if (behind.size) for (const [id, a] of await this.alertRepo.load([...behind])) alerts.set(id, a);
    return alerts;
  }

  /** Reads from the outbox when the recipients not looked up yet were last mailed. */
  private async lookUpLastSent(recipients: readonly string[]): Promise<void> {
    const unknown = [...new Set(recipients)].filter((r) => !this.lastSent.has(r));
    if (!unknown.length) return;
    const found = await this.outbox.lastSent(unknown);
    for (const r of unknown) this.lastSent.set(r, found.get(r) ?? null);
  }

  /** Stage `mute` in the outbox: never sent. */
  private async markMuted(muted: ReadonlyArray<{ key: string; reason: string }>): Promise<void> {
    if (!muted.length) return;
    await this.outbox.markMuted(muted);
    this.metrics.muted(muted.length);
  }

  /**
   * Stage `claim`, a slice of digests at a time (one insert per notification key: of two
   * instances that both think they lead, one wins each key), then render → send → record for
   * the slice. False when this instance stopped or lost the lead half-way.
   */
  private async claimAndSend(claims: readonly DigestClaim[], options: AlertPipelineOptions): Promise<boolean> {
    for (let i = 0; i < claims.length; i += CLAIM_SLICE) {
      if (this.stopping || !this.leader.isLeader()) return false;
      const slice = claims.slice(i, i + CLAIM_SLICE);
      const claimedAt = new Date(this.realNow());
      const { won, lost } = await this.outbox.claimDigests(slice, claimedAt);
      this.times.claim += this.realNow() - claimedAt.getTime();
      if (lost.length) {
        const adopted = await this.outbox.adoptClaims(lost, claimedAt);
        this.logger.warn(
          `${lost.length} notification(s) were already claimed by another send (${adopted} adopted: re-sent with their Message-ID unless marked sent meanwhile)`,
        );
      }
      const docOf = await this.wholeOf([...won.values()].flat());
      const digests: ClaimedDigest[] = [];
      for (const c of slice) {
        const docs = (won.get(c.digestId) ?? []).map((k) => docOf.get(k)).filter((d): d is OutboxDoc => !!d);
        if (docs.length) digests.push({ digestId: c.digestId, messageId: c.messageId, docs });
      }
      const completed = await this.sendAndRecord(digests, options);
      // Sent, claimed or another sender's now: out of `pending` either way (the count tells otherwise).
      this.mirror.remove(slice.flatMap((c) => c.keys));
      if (!completed) return false;
    }
    return true;
  }

  /**
   * The whole notifications of claimed keys: those this process enqueued lately from the
   * mirror, the rest read by `_id` (the mirror keeps only heads of what it read).
   */
  private async wholeOf(keys: readonly string[]): Promise<Map<string, OutboxDoc>> {
    const from = this.realNow();
    const docs = this.mirror.whole(keys);
    const missing = keys.filter((k) => !docs.has(k));
    if (missing.length) for (const [k, d] of await this.outbox.byKeys(missing)) docs.set(k, d);
    this.times.read += this.realNow() - from;
    return docs;
  }

  /** thread → render → send → record for claimed digests; the outcomes are written before this returns. */
  private async sendAndRecord(digests: readonly ClaimedDigest[], options: AlertPipelineOptions): Promise<boolean> {
    const threadFrom = this.realNow();
    const threads = await this.threadsOf(digests);
    this.times.thread += this.realNow() - threadFrom;
    const writer = new OutcomeWriter(this.outbox);
    try {
      return await this.sendAll(digests, threads, options, writer);
    } finally {
      await writer.drain();
    }
  }

  /**
   * Sends claimed digests, `concurrency` at a time over the SMTP pool; each outcome is written
   * by `writer` before that worker sends its next. Stops early (false) when this instance stops or loses the lead: a digest not
   * sent is recorded as claimed and due at once, so the next leader sends it as it is.
   */
  private async sendAll(
    digests: readonly ClaimedDigest[],
    threads: ReadonlyMap<string, string[]>,
    options: AlertPipelineOptions,
    writer: OutcomeWriter,
  ): Promise<boolean> {
    let next = 0;
    let completed = true;
    const worker = async () => {
      while (next < digests.length) {
        const digest = digests[next++];
        if (this.stopping || !this.leader.isLeader()) {
          completed = false;
          // Written with the others before sendAndRecord returns (drain).
          void writer.add(this.outcome(digest, {}));
          continue;
        }
        const recorded = writer.add(await this.send(digest, threads.get(digest.digestId) ?? [], options));
        const recordFrom = this.realNow();
        // Recorded before this worker sends its next mail: a crash can then re-send at most the
        // mails in flight, one per worker (per SMTP connection), each with its Message-ID.
        await recorded;
        this.times.record += this.realNow() - recordFrom;
        // Not recorded (MongoDB down): send nothing more, the pass fails and is tried again.
        writer.throwIfFailed();
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, digests.length) }, worker));
    return completed;
  }

  private outcome(digest: ClaimedDigest, what: Pick<SendOutcome, 'sent' | 'failure'>): SendOutcome {
    const claimedAt = digest.docs[0]?.claimedAt ?? new Date(this.realNow());
    return {
      digestId: digest.digestId,
      messageId: digest.messageId,
      keys: digest.docs.map((d) => d._id),
      claimedAt,
      ...what,
    };
  }

  /**
   * Per digest, the Message-IDs of the mails that told its recipient of the episodes it follows
   * up (resolved, achieved, missed, escalated, reminders, …): the mail with each alert's `opened`
   * notice, so a reader shows the follow-up in the alert's thread. Two reads for all `digests`
   * (their alerts, then the opened notifications by `_id`), not two per mail.
   */
  private async threadsOf(digests: readonly ClaimedDigest[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const followUps = digests.flatMap((digest) =>
      digest.docs
        .filter((d) => d.notice.kind !== 'opened' && d.notice.kind !== 'no_data')
        .map((doc) => ({ digest, doc })),
    );
    if (!followUps.length) return out;
    let alerts: Map<string, StoredAlert>;
    let found: Map<string, OutboxDoc>;
    let candidates: Array<{ keys: string[]; complete: boolean }>;
    try {
      // The opened notifications' keys, from the alerts' histories, read by `_id` in one query.
      // A search by alert and recipient scans the whole outbox on FerretDB: a province's first
      // sweep (5,596 units missed before they ever opened, each a follow-up) spent 15 minutes of
      // the sender's time on it, competing with the sweep's writes.
      alerts = await this.alertRepo.find([...new Set(followUps.map((f) => f.doc.notice.alertId))]);
      candidates = followUps.map(({ doc }) =>
        threadKeysFor(doc.recipient, doc.notice, alerts.get(doc.notice.alertId)?.alert.history),
      );
      found = await this.outbox.byKeys(candidates.flatMap((c) => c.keys));
    } catch (e) {
      this.logger.warn(`threads of ${digests.length} digest(s) unknown, sent unthreaded: ${(e as Error).message}`);
      return out;
    }
    for (const [i, { digest, doc }] of followUps.entries()) {
      const { keys, complete } = candidates[i];
      let messageId = keys.map((k) => found.get(k)?.messageId).find(Boolean);
      if (!messageId && !complete)
        messageId = await this.searchOpened(doc).catch((e: Error) => {
          this.logger.warn(`thread of ${digest.digestId} unknown, sent unthreaded: ${e.message}`);
          return undefined;
        });
      const ids = out.get(digest.digestId) ?? [];
      if (messageId && messageId !== digest.messageId && !ids.includes(messageId)) ids.push(messageId);
      out.set(digest.digestId, ids);
    }
    return out;
  }

  /** The Message-ID of the newest mailed `opened` notice of `doc`'s alert to its recipient, by a search of the outbox (the alert's history no longer holds the opening). */
  private async searchOpened(doc: OutboxDoc): Promise<string | undefined> {
    const { notice } = doc;
    const opened = (await this.outbox.find({ alertId: notice.alertId, recipient: doc.recipient }))
      .filter((d) => d.notice.kind === 'opened' && d.notice.version <= notice.version && d.messageId)
      .sort((a, b) => b.notice.version - a.notice.version)[0];
    return opened?.messageId ?? undefined;
  }

  /** Sends one claimed digest as stored; returns its outcome (accepted, or the failure and when to retry). */
  private async send(
    claimed: ClaimedDigest,
    thread: readonly string[],
    options: AlertPipelineOptions,
  ): Promise<SendOutcome> {
    const { docs } = claimed;
    const renderFrom = this.realNow();
    const mail = render(claimed, docs.map(toNotification), options);
    const { messageId } = mail;
    const started = this.realNow();
    this.times.render += started - renderFrom;
    try {
      const res = await this.smtp.send({
        messageId,
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // When it is sent, in IW_TIMEZONE (a re-send after a crash carries its own time).
        date: mailDate(this.realNow(), this.config.timeZone),
        ...(thread.length ? { inReplyTo: thread[0], references: [...thread] } : {}),
      });
      this.times.smtp += this.realNow() - started;
      this.accepted++;
      const domainAt = this.clock.now();
      if (domainAt > (this.lastSent.get(mail.to) ?? -Infinity)) this.lastSent.set(mail.to, domainAt);
      this.metrics.sent(docs.length, this.realNow() - started);
      this.logger.log(
        `sent ${messageId} to ${mail.to}: ${docs.length} notification(s)${docs[0].attempts ? ` after ${docs[0].attempts} failed attempt(s)` : ''}`,
      );
      return this.outcome(
        { ...claimed, messageId },
        { sent: { at: new Date(this.realNow()), domainAt: new Date(domainAt).toISOString(), response: res.response } },
      );
    } catch (e) {
      const err = classifySendError(e);
      const plan = retryPlan(Math.max(...docs.map((d) => d.attempts)), err, this.realNow(), this.backoff);
      this.metrics.failed(plan.permanent);
      this.retryAt = Math.min(this.retryAt ?? Infinity, plan.nextAttemptAt);
      this.logger.warn(
        `${messageId} to ${mail.to} not accepted (${plan.permanent ? 'permanent' : 'transient'}: ${err.message}); attempt ${plan.attempts}, next in ${plan.nextAttemptAt - this.realNow()} ms via ${this.smtp.describe()}`,
      );
      return this.outcome(
        { ...claimed, messageId },
        {
          failure: {
            attempts: plan.attempts,
            nextAttemptAt: new Date(plan.nextAttemptAt),
            error: err.message,
            permanent: plan.permanent,
          },
        },
      );
    }
  }
}

/**
 * Writes send outcomes in the background, batching whatever accumulated while the previous
 * write ran (accepted mails: one insert into outbox_sent; failures: one chunked bulk write by
 * `_id`). Each `add`
 * answers when that outcome's own batch is written, so a worker waits for its outcome only,
 * not for the outcomes of the other connections that keep coming in meanwhile.
 */
class OutcomeWriter {
  private buffer: Array<{ outcome: SendOutcome; done: () => void }> = [];
  private writing: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(private readonly outbox: OutboxRepository) {}

  /** Resolves once this outcome is written (or its write failed: see drain). */
  add(outcome: SendOutcome): Promise<void> {
    const written = new Promise<void>((done) => this.buffer.push({ outcome, done }));
    this.writing ??= this.run().finally(() => (this.writing = null));
    return written;
  }

  /** Resolves once every outcome added so far is written; throws the first write failure. */
  async drain(): Promise<void> {
    while (this.writing) await this.writing;
    this.throwIfFailed();
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private async run(): Promise<void> {
    while (this.buffer.length) {
      const batch = this.buffer.splice(0);
      try {
        await this.outbox.recordOutcomes(batch.map((b) => b.outcome));
      } catch (e) {
        // Unrecorded outcomes leave their claims behind: adopted and sent again (same Message-ID).
        this.failure ??= e instanceof Error ? e : new Error(String(e));
      }
      for (const b of batch) b.done();
    }
  }
}
