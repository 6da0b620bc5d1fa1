import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { ACTUALS_ROLES, type ActualsRole } from '@iw/events';
import { KafkaAdmin } from '@iw/kafka';
import { WatermarkRepository } from '@iw/mongo';
import { APP_CONFIG, CLOCK, REAL_CLOCK } from '../alerting.tokens';

/** How long (real ms) one read of the watermarks serves evaluations. */
const CACHE_MS = 500;
/** How often (real ms) judgedUpTo asks again whether alerting has caught up with indicators.progress. */
const JUDGED_POLL_MS = 200;

/**
 * Where each source (actuals topic) stands in event time, for judging units as of it (libs/measures
 * asOfFor): the watermark ingest stored. A source without one yet counts as current (Infinity: the
 * clock's now, whatever it is when used) only if its topic is empty or ingest's group has
 * committed everything in it; otherwise null, and the units it feeds are not judged until ingest
 * reports how far it got.
 */
@Injectable()
export class WatermarkService {
  private readonly logger = new Logger(WatermarkService.name);
  private cached: { at: number; marks: Map<ActualsRole, number | null> } | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
    private readonly admin: KafkaAdmin,
    private readonly repo: WatermarkRepository,
  ) {}

  /** Each source's watermark in domain ms; Infinity: current (the clock's now); null: unknown. */
  async current(): Promise<ReadonlyMap<ActualsRole, number | null>> {
    const realNow = this.realClock.now();
    if (this.cached && realNow - this.cached.at < CACHE_MS) return this.cached.marks;
    const stored = new Map((await this.repo.all()).map((w) => [w.topic, w]));
    const marks = new Map<ActualsRole, number | null>();
    for (const role of ACTUALS_ROLES) {
      const topic = this.config.kafka.topics[role];
      const w = stored.get(topic)?.watermark ?? null;
      marks.set(role, w !== null ? w.getTime() : (await this.idleAndCaughtUp(topic)) ? Infinity : null);
    }
    this.cached = { at: realNow, marks };
    return marks;
  }

  /**
   * Watermarks up to which alerting has judged every progress message: read, then the end
   * offsets of indicators.progress, then alerting's group is waited for until it has committed
   * up to them. Ingest publishes an event's progress message before the event counts toward a
   * watermark, and alerting commits a message only once its evaluation is stored, so what
   * alerting keeps beside its evaluations is then at least as recent as these watermarks.
   * Messages published later (later events) are not waited for, so a steady stream of them
   * does not keep it waiting. A partition counts as there, too, when `judgedHere` (this process's
   * own judging, ahead of its commits) reaches its end. Asked every JUDGED_POLL_MS for up to
   * `waitMs` (real); null if the group did not get there, the broker did not answer, or `signal`
   * aborted.
   */
  async judgedUpTo(
    waitMs: number,
    judgedHere: ReadonlyMap<number, bigint>,
    signal?: AbortSignal,
  ): Promise<ReadonlyMap<ActualsRole, number | null> | null> {
    const deadline = this.realClock.now() + waitMs;
    const topic = this.config.kafka.topics.progress;
    const marks = await this.current();
    try {
      const ends = await this.admin.offsets(topic);
      while (!signal?.aborted) {
        const lags = await this.admin.lagBehind(this.config.kafka.groups.alerting, topic, ends);
        const behind = lags.reduce(
          (n, p) => n + ((judgedHere.get(p.partition) ?? -1n) >= BigInt(p.end) ? 0 : p.lag),
          0,
        );
        if (behind === 0) return marks;
        if (this.realClock.now() >= deadline) {
          this.logger.debug(`${behind} progress message(s) not yet judged after ${waitMs} ms`);
          return null;
        }
        await new Promise((r) => setTimeout(r, JUDGED_POLL_MS));
      }
    } catch (e) {
      this.logger.debug(`alerting's offsets on ${topic} not read: ${(e as Error).message}`);
    }
    return null;
  }

  /** Event time of the whole pipeline: the earliest known watermark, at most the clock's now. */
  async eventNow(): Promise<number> {
    const now = this.clock.now();
    let t = now;
    for (const w of (await this.current()).values()) if (w !== null) t = Math.min(t, w);
    return t;
  }

  private async idleAndCaughtUp(topic: string): Promise<boolean> {
    try {
      const lags = await this.admin.lag(this.config.kafka.groups.ingest, [topic]);
      return lags.every((p) => p.lag === 0);
    } catch (e) {
      this.logger.debug(`${topic}: no watermark and no offsets (${(e as Error).message}): its units wait`);
      return false;
    }
  }
}
