import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import type { BindingSet } from '@iw/measures';
import {
  BindingsProvider,
  CatalogueRepository,
  EmptyCatalogueError,
  MONGO_CONNECTION,
  type Connection,
} from '@iw/mongo';
import { APP_CONFIG } from '../alerting.tokens';
import type { IndicatorInfo } from '../utils/assess';

export interface CatalogueView {
  bindings: BindingSet;
  /** 二级指标 and 指标值 as written, per indicator id. */
  info: ReadonlyMap<string, IndicatorInfo>;
}

/** The tracked units (catalogue + bindings, reloaded on re-import) and what the emails quote from the table. */
@Injectable()
export class CatalogueService implements OnModuleInit {
  private readonly logger = new Logger(CatalogueService.name);
  private readonly provider: BindingsProvider;
  private readonly repo: CatalogueRepository;
  private view: CatalogueView | null = null;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(MONGO_CONNECTION) conn: Connection) {
    this.repo = new CatalogueRepository(conn);
    this.provider = new BindingsProvider(conn, {
      bindingsFile: config.files.bindings,
      timeZone: config.timeZone,
      satisfiedShare: config.surveys.satisfiedShare,
      log: (m) => this.logger.log(m),
    });
  }

  /** A bad bindings file stops the start; an empty catalogue does not (nothing to evaluate yet). */
  async onModuleInit(): Promise<void> {
    if (!(await this.current(Date.now())))
      this.logger.warn(
        'the catalogue is empty: nothing to evaluate until a table is imported (npx iw targets import <file>)',
      );
  }

  /** `realNow`: wall-clock ms (reload checks). Null while the catalogue is empty. */
  async current(realNow: number): Promise<CatalogueView | null> {
    let bindings: BindingSet;
    try {
      bindings = await this.provider.get(realNow);
    } catch (e) {
      if (e instanceof EmptyCatalogueError) return null;
      throw e;
    }
    if (this.view?.bindings !== bindings) {
      const info = new Map<string, IndicatorInfo>();
      for (const i of await this.repo.indicators({ fiscalYear: bindings.fiscalYear }))
        info.set(i._id, { level2: i.level2, value: i.value });
      this.view = { bindings, info };
    }
    return this.view;
  }
}
