import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import * as cron from 'node-cron';
import { nextDigestSlot } from '@iw/alerts';
import { localDate, type Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { ALERTING_OPTIONS, APP_CONFIG, CLOCK, DEFAULTS, type AlertingOptions } from '../alerting.tokens';
import { newLocalDay, tickMsFor, usesCron } from '../utils/schedule';
import { AlertService } from './alert.service';
import { EvaluationService } from './evaluation.service';
import { LeaderService } from './leader.service';
import { WatermarkService } from './watermark.service';

/**
 * Periodic work, on the leader only: the daily sweep (node-cron with the system clock; with a
 * simulated or fixed clock, whenever its local date changes), a sweep at the policy's weekly
 * digest time (the reminders of standing alerts then go out together, one mail per person),
 * and pending statuses coming due.
 * Taking over the lead sweeps at once, so nothing waits for the next 02:00 after a restart.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SchedulerService.name);
  private task?: cron.ScheduledTask;
  private digestTask?: cron.ScheduledTask;
  private nextDigestAt = Infinity;
  private ticker?: NodeJS.Timeout;
  private pendingTimer?: NodeJS.Timeout;
  private lastDate: string | null = null;
  /** Local date of the event time (the sources' earliest watermark) at the last sweep it caused. */
  private lastEventDate: string | null = null;
  /** The event-time check or pending-status check in flight: a close waits for them (a broker call after close outlives the app). */
  private eventTimeCheck: Promise<void> | null = null;
  private pendingCheck: Promise<void> | null = null;
  private readonly tickMs: number;
  private readonly pollMs: number;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ALERTING_OPTIONS) options: AlertingOptions,
    private readonly evaluation: EvaluationService,
    private readonly leader: LeaderService,
    private readonly alerts: AlertService,
    private readonly watermarks: WatermarkService,
  ) {
    this.tickMs = tickMsFor(clock, options.tickMs ?? DEFAULTS.tickMs);
    this.pollMs = options.pollMs ?? DEFAULTS.pollMs;
  }

  onApplicationBootstrap(): void {
    this.leader.onChange((leading) => leading && this.sweep('took the lead'));
    if (this.leader.isLeader()) this.sweep('start');
    if (usesCron(this.clock)) {
      this.task = cron.schedule(this.config.alerting.sweepCron, () => this.sweep('cron'), {
        timezone: this.config.timeZone,
        noOverlap: true,
        name: 'iw-sweep',
      });
      this.logger.log(`daily sweep on "${this.config.alerting.sweepCron}" (${this.config.timeZone})`);
      const d = this.alerts.policy.digest;
      this.digestTask = cron.schedule(`${d.minute} ${d.hour} * * ${d.weekday}`, () => this.sweep('weekly digest'), {
        timezone: this.config.timeZone,
        noOverlap: true,
        name: 'iw-digest',
      });
    } else {
      this.lastDate = localDate(this.clock.now(), this.config.timeZone);
      this.lastEventDate = this.lastDate;
      this.nextDigestAt = nextDigestSlot(this.clock.now(), this.alerts.policy.digest, this.config.timeZone);
      this.ticker = setInterval(() => this.onTick(), this.tickMs);
      this.ticker.unref();
      this.logger.log(`${this.clock.kind} clock: sweeping on each new local day (checked every ${this.tickMs} ms)`);
    }
    // Finding due pending statuses scans the evaluations on FerretDB (100k units: seconds), so
    // one check at a time (checks every second piled up during a sweep), and none when
    // IW_PENDING_FOR is 0 (nothing is ever pending then).
    this.pendingTimer = setInterval(() => {
      if (!this.leader.isLeader() || this.stopped || this.pendingCheck || this.config.alerting.pendingForMs <= 0)
        return;
      this.pendingCheck = this.evaluation
        .evaluatePendingDue()
        .catch((e: Error) => this.logger.warn(`pending statuses not re-evaluated: ${e.message}`))
        .finally(() => (this.pendingCheck = null));
    }, this.pollMs);
    this.pendingTimer.unref();
  }

  /** Stops the schedules and waits for the evaluation in progress. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.pendingTimer) clearInterval(this.pendingTimer);
    if (this.task) await this.task.destroy();
    if (this.digestTask) await this.digestTask.destroy();
    await Promise.all([this.eventTimeCheck, this.pendingCheck]);
    await this.evaluation.stop();
  }

  private onTick(): void {
    const now = this.clock.now();
    if (now >= this.nextDigestAt) {
      this.nextDigestAt = nextDigestSlot(now, this.alerts.policy.digest, this.config.timeZone);
      this.sweep('weekly digest');
    }
    this.checkEventTime();
    const day = newLocalDay(this.lastDate, now, this.config.timeZone);
    if (day === null) return;
    this.lastDate = day;
    this.sweep(`new day ${day}`);
  }

  /**
   * A sweep when the event time reaches a new local day: a day's sweep made while ingest lagged
   * judged its units as of the day before, and units without new progress (deadlines, no data)
   * are judged again only by sweeps.
   */
  private checkEventTime(): void {
    if (this.eventTimeCheck || this.stopped || !this.leader.isLeader()) return;
    this.eventTimeCheck = this.watermarks
      .eventNow()
      .then((t) => {
        const day = localDate(t, this.config.timeZone);
        if (this.lastEventDate !== null && day <= this.lastEventDate) return;
        this.lastEventDate = day;
        this.sweep(`new day ${day} in event time`);
      })
      .catch((e: Error) => this.logger.warn(`event time not read: ${e.message}`))
      .finally(() => (this.eventTimeCheck = null));
  }

  private sweep(reason: string): void {
    if (this.stopped || !this.leader.isLeader()) return;
    this.evaluation.sweep(reason).catch((e: Error) => this.logger.error(`sweep (${reason}) failed: ${e.message}`));
  }
}
