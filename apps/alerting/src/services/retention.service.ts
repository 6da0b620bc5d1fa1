import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { MONGO_CONNECTION, pruneAlerting, RetentionSchedule, type Connection } from '@iw/mongo';
import { APP_CONFIG, REAL_CLOCK } from '../alerting.tokens';
import { LeaderService } from './leader.service';

/**
 * Bounded growth of what alerting writes: sent and muted notifications (with their claims) and
 * stateless alert versions past their retention (IW_RETENTION_*) are deleted every hour, by the
 * leader only (wall clock; see libs/mongo retention.ts).
 */
@Injectable()
export class RetentionService extends RetentionSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REAL_CLOCK) realClock: Clock,
    @Inject(MONGO_CONNECTION) conn: Connection,
    leader: LeaderService,
  ) {
    super(
      async () => (leader.isLeader() ? pruneAlerting(conn, config.retention, realClock.now()) : null),
      new Logger(RetentionService.name),
    );
  }
}
