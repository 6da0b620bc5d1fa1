import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { flush, groupNotices, toMail, type Alert, type Notification } from '@iw/alerts';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { classifySendError, DEFAULT_BACKOFF, SmtpSender, type BackoffOptions } from '@iw/mail';
import { AlertRepository, MONGO_CONNECTION, OutboxRepository, toNotification, type Connection } from '@iw/mongo';
import { ALERTING_OPTIONS, APP_CONFIG, CLOCK, DEFAULTS, type AlertingOptions } from '../alerting.tokens';
import { realDelay, retryPlan, standing } from '../utils/delivery';
import { AlertingMetrics } from './alerting.metrics';
import { AlertService } from './alert.service';
import { LeaderService } from './leader.service';
import { OutboxSignal } from './outbox-signal';

/**
 * Send side, on the leader only:
 *
 *   claimed digests due (retries, a crash mid-send) ─► send again, same Message-ID
 *   pending ─► standing ─► mute (ack/silence) ─► group (IW_GROUP_WAIT) ─► claim ─► send ─► mark sent
 *
 * A digest is claimed (digest id + Message-ID stored on its notifications) before it is sent,
 * so after a crash it goes out again as it was: at most one duplicate, with the same Message-ID.
 * Failures back off (libs/mail) and are retried until the server accepts.
 */
@Injectable()
export class SenderService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SenderService.name);
  private readonly outbox: OutboxRepository;
  private readonly alertRepo: AlertRepository;
  private readonly smtp: SmtpSender;
  private readonly realNow: () => number;
  private readonly backoff: BackoffOptions;
  private readonly pollMs: number;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ALERTING_OPTIONS) options: AlertingOptions,
    @Inject(MONGO_CONNECTION) conn: Connection,
    private readonly alerts: AlertService,
    private readonly leader: LeaderService,
    private readonly signal: OutboxSignal,
    private readonly metrics: AlertingMetrics,
  ) {
    this.outbox = new OutboxRepository(conn);
    this.alertRepo = new AlertRepository(conn);
    this.smtp = new SmtpSender({ url: config.smtp.url });
    this.realNow = options.realNow ?? Date.now;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.pollMs = options.pollMs ?? DEFAULTS.pollMs;
  }

  onApplicationBootstrap(): void {
    this.signal.onEnqueued(() => this.kick());
    this.leader.onChange((leading) => leading && this.kick());
    this.kick();
  }

  /** Stops taking work, lets the send in flight finish, then gives up the lease. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.smtp.close();
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
        wait = this.pollMs;
      }
    } while (this.again && !this.stopping);
    if (!this.stopping) {
      this.timer = setTimeout(() => this.kick(), Math.max(10, Math.min(wait, this.pollMs)));
      this.timer.unref();
    }
  }

  /** One pass over the outbox; returns the real ms until something is due. */
  private async pass(): Promise<number> {
    for (const digestId of await this.outbox.dueDigests(new Date(this.realNow()))) {
      if (this.stopping || !this.leader.isLeader()) return this.pollMs;
      await this.send(digestId);
    }

    const now = this.clock.now();
    const pending = (await this.outbox.pending()).map(toNotification);
    let nextFlushAt: number | null = null;
    if (pending.length) {
      const alerts = await this.alertRepo.find([...new Set(pending.map((n) => n.notice.alertId))]);
      const alertOf = (id: string): Alert | undefined => alerts.get(id)?.alert;
      const ready: Notification[] = [];
      const superseded: Array<{ key: string; reason: string }> = [];
      for (const n of pending) {
        const s = standing(n, alertOf(n.notice.alertId));
        if (s === 'ok') ready.push(n);
        else if (s === 'superseded') superseded.push({ key: n.key, reason: 'superseded' });
      }
      const options = await this.alerts.pipelineOptions();
      const r = flush(ready, alertOf, now, options);
      const muted = [...superseded, ...r.muted.map((m) => ({ key: m.notification.key, reason: m.reason }))];
      if (muted.length) {
        await this.outbox.markMuted(muted);
        this.metrics.muted(muted.length);
      }
      for (const mail of r.mails) {
        if (this.stopping || !this.leader.isLeader()) return this.pollMs;
        const claimed = await this.outbox.claim(mail.notificationKeys, mail.digestId, mail.messageId, new Date(this.realNow()));
        if (claimed > 0) await this.send(mail.digestId);
      }
      nextFlushAt = r.nextFlushAt;
    }

    const delays = [this.pollMs];
    if (nextFlushAt !== null) delays.push(realDelay(nextFlushAt, this.clock.now(), this.clock.speed));
    const nextAttempt = await this.outbox.nextAttemptAt();
    if (nextAttempt) delays.push(Math.max(0, nextAttempt.getTime() - this.realNow()));
    return Math.min(...delays);
  }

  /** Sends one claimed digest as stored; marks it sent, or records the failure and when to retry. */
  private async send(digestId: string): Promise<void> {
    const docs = await this.outbox.byDigest(digestId);
    if (docs.length === 0) return;
    const notifications = docs.map(toNotification);
    // Same notifications, same order (the group stage's), so a re-send renders the same mail.
    const [digest] = groupNotices(notifications, Math.max(...notifications.map((n) => Date.parse(n.createdAt))), 0, notifications.length).digests;
    const options = await this.alerts.pipelineOptions();
    const mail = toMail({ ...digest, id: digestId }, options);
    const messageId = docs[0].messageId ?? mail.messageId;
    const started = this.realNow();
    try {
      const res = await this.smtp.send({ messageId, from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
      await this.outbox.markSent(digestId, new Date(this.realNow()), res.response);
      this.metrics.sent(docs.length, this.realNow() - started);
      this.logger.log(`sent ${messageId} to ${mail.to}: ${docs.length} notification(s)${docs[0].attempts ? ` after ${docs[0].attempts} failed attempt(s)` : ''}`);
    } catch (e) {
      const err = classifySendError(e);
      const plan = retryPlan(Math.max(...docs.map((d) => d.attempts)), err, this.realNow(), this.backoff);
      await this.outbox.markFailed(digestId, { attempts: plan.attempts, nextAttemptAt: new Date(plan.nextAttemptAt), error: err.message, permanent: plan.permanent });
      this.metrics.failed(plan.permanent);
      this.logger.warn(
        `${messageId} to ${mail.to} not accepted (${plan.permanent ? 'permanent' : 'transient'}: ${err.message}); attempt ${plan.attempts}, next in ${plan.nextAttemptAt - this.realNow()} ms via ${this.smtp.describe()}`,
      );
    }
  }
}
