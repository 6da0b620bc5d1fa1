import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import { MONGO_CONNECTION, pruneAlerting, type Connection } from '@iw/mongo';
import { APP_CONFIG } from '../alerting.tokens';
import { LeaderService } from './leader.service';

const PRUNE_EVERY_MS = 3_600_000;
const FIRST_PRUNE_AFTER_MS = 60_000;

/**
 * Bounded growth of what alerting writes: sent and muted notifications (with their claims) and
 * stateless alert versions past their retention (IW_RETENTION_*) are deleted every hour, by the
 * leader only (wall clock; see libs/mongo retention.ts).
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MONGO_CONNECTION) private readonly conn: Connection,
    private readonly leader: LeaderService,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = (ms: number) => {
      this.timer = setTimeout(() => {
        this.running = this.run().finally(() => {
          this.running = null;
          if (this.timer) schedule(PRUNE_EVERY_MS);
        });
      }, ms);
      this.timer.unref();
    };
    schedule(FIRST_PRUNE_AFTER_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  async run(): Promise<void> {
    if (!this.leader.isLeader()) return;
    try {
      const pruned = await pruneAlerting(this.conn, this.config.retention, Date.now());
      const said = Object.entries(pruned).filter(([, n]) => n > 0);
      if (said.length) this.logger.log(`retention: deleted ${said.map(([c, n]) => `${n} ${c}`).join(', ')}`);
    } catch (e) {
      this.logger.warn(`retention: ${(e as Error).message} (tried again in an hour)`);
    }
  }
}
