import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { IngestService } from './ingest.service';

/** How often ingest prunes; the first run is a minute after start-up. */
export const PRUNE_EVERY_MS = 3_600_000;
const FIRST_PRUNE_AFTER_MS = 60_000;

/**
 * Bounded growth of what ingest writes: event ids, progress versions and DLQ records past their
 * retention (IW_RETENTION_*) are deleted every hour (wall clock; see libs/mongo retention.ts).
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly ingest: IngestService) {}

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
    try {
      const pruned = await this.ingest.prune(Date.now());
      const said = Object.entries(pruned).filter(([, n]) => n > 0);
      if (said.length) this.logger.log(`retention: deleted ${said.map(([c, n]) => `${n} ${c}`).join(', ')}`);
    } catch (e) {
      this.logger.warn(`retention: ${(e as Error).message} (tried again in an hour)`);
    }
  }
}
