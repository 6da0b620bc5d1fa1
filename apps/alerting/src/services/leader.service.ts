import * as os from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import { LeaseRepository } from '@iw/mongo';
import { ALERTING_OPTIONS, DEFAULTS, REAL_CLOCK, type AlertingOptions } from '../alerting.tokens';

export const SENDER_LEASE = 'alerting-sender';

/**
 * One alerting instance at a time sends mail and runs the sweep: whoever holds the lease in
 * `leases` (taken over by inserting the next term, which only one contender can do), renewed
 * every few seconds. A holder counts itself out as soon as a renewal fails or lands after the
 * expiry it extends; a contender only takes a lease whose expiry has passed, so two instances
 * never both believe they lead (on one machine's clock). Outbox claims are atomic too, so even
 * then a notification is sent by one of them only.
 */
@Injectable()
export class LeaderService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LeaderService.name);
  private readonly realNow: () => number;
  private readonly ttlMs: number;
  private readonly renewMs: number;
  readonly instance: string;
  private leading = false;
  private validUntil = 0;
  private timer?: NodeJS.Timeout;
  private inflight: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly listeners: Array<(leading: boolean) => void> = [];

  constructor(
    @Inject(ALERTING_OPTIONS) options: AlertingOptions,
    @Inject(REAL_CLOCK) realClock: Clock,
    private readonly leases: LeaseRepository,
  ) {
    this.realNow = () => realClock.now();
    this.ttlMs = options.leaseTtlMs ?? DEFAULTS.leaseTtlMs;
    this.renewMs = options.leaseRenewMs ?? DEFAULTS.leaseRenewMs;
    this.instance = options.instance ?? `${os.hostname()}-${process.pid}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.tick();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  isLeader(): boolean {
    return this.leading && this.realNow() < this.validUntil;
  }

  onChange(listener: (leading: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Gives the lease up (at shutdown, after the last send), so a successor takes over at once. */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.inflight;
    if (!this.leading) return;
    this.set(false);
    await this.leases
      .release(SENDER_LEASE, this.instance)
      .catch((e: Error) => this.logger.warn(`lease not released: ${e.message}`));
  }

  private tick(): Promise<void> {
    this.inflight = this.renew();
    return this.inflight;
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    const at = this.realNow();
    try {
      // A renewal counts only if it landed before the expiry it extends: a contender that
      // found the lease expired read it after that expiry, so a later renewal could overlap it.
      const renewed =
        this.isLeader() &&
        (await this.leases.renew(SENDER_LEASE, this.instance, this.ttlMs, at)) &&
        this.realNow() < this.validUntil;
      if (renewed) this.validUntil = at + this.ttlMs;
      else {
        // Not (or no longer validly) holding it: take the next term, which only one contender
        // gets. A holder whose renewal came late usually gets it back at once, and then stays
        // leader without a flap (no second "took the lead" sweep).
        const from = this.realNow();
        const got = await this.leases.take(SENDER_LEASE, this.instance, this.ttlMs, from);
        if (got) this.validUntil = from + this.ttlMs;
        this.set(got);
      }
    } catch (e) {
      this.logger.warn(`lease not renewed: ${(e as Error).message}`);
      if (this.leading && !this.isLeader()) this.set(false);
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), this.renewMs);
      this.timer.unref();
    }
  }

  private set(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.logger.log(leading ? `${this.instance} leads: sending mail and sweeping` : `${this.instance} no longer leads`);
    for (const l of this.listeners) l(leading);
  }
}
