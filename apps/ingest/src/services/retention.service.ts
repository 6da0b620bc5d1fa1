import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import { RetentionSchedule } from '@iw/mongo';
import { REAL_CLOCK } from '../ingest.module.tokens';
import { IngestService } from './ingest.service';

/**
 * Bounded growth of what ingest writes: event ids, progress versions and DLQ records past their
 * retention (IW_RETENTION_*) are deleted every hour (wall clock; see libs/mongo retention.ts).
 */
@Injectable()
export class RetentionService extends RetentionSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(ingest: IngestService, @Inject(REAL_CLOCK) realClock: Clock) {
    super(() => ingest.prune(realClock.now()), new Logger(RetentionService.name));
  }
}
