import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import type { BindingSet } from '@iw/measures';
import { BindingsProvider, EmptyCatalogueError, MONGO_CONNECTION, type Connection, type YearBindings } from '@iw/mongo';
import { APP_CONFIG, REAL_CLOCK } from '../ingest.module.tokens';

/** The catalogue and bindings events are routed with (see BindingsProvider). */
@Injectable()
export class BindingsService implements OnModuleInit {
  private readonly logger = new Logger(BindingsService.name);
  private readonly provider: BindingsProvider;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
    @Inject(MONGO_CONNECTION) conn: Connection,
  ) {
    this.provider = BindingsProvider.fromConfig(conn, config, { log: (m) => this.logger.log(m) });
  }

  /**
   * A bad bindings file stops the start with its line numbers. An empty catalogue does not:
   * batches wait uncommitted (and are retried) until a table is imported.
   */
  async onModuleInit(): Promise<void> {
    try {
      await this.provider.get(this.realClock.now());
    } catch (e) {
      if (!(e instanceof EmptyCatalogueError)) throw e;
      this.logger.warn(`${e.message}; events wait in Kafka until then`);
    }
  }

  bindings(realNow: number): Promise<BindingSet> {
    return this.provider.get(realNow);
  }

  /** Every fiscal year's bindings and the closed years: events are routed in the year of their date. */
  years(realNow: number): Promise<YearBindings> {
    return this.provider.years(realNow);
  }
}
