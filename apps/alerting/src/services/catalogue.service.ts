import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import type { BindingSet } from '@iw/measures';
import type { ParsedCatalogue } from '@iw/targets';
import {
  BindingsProvider,
  CatalogueRepository,
  EmptyCatalogueError,
  MONGO_CONNECTION,
  type Connection,
} from '@iw/mongo';
import { checkPacePlan, paceFor, readPacePlan, type PacePlan } from '@iw/risk';
import { APP_CONFIG, REAL_CLOCK } from '../alerting.tokens';
import { catalogueInfo, type IndicatorInfo } from '../utils/assess';

export interface CatalogueView {
  bindings: BindingSet;
  /** 二级指标, 指标值, agency and pace per indicator id; the agency per budget track id (catalogueInfo). */
  info: ReadonlyMap<string, IndicatorInfo>;
}

/** The tracked units (catalogue + bindings, reloaded on re-import) and what the emails quote from the table. */
@Injectable()
export class CatalogueService implements OnModuleInit {
  private readonly logger = new Logger(CatalogueService.name);
  private readonly provider: BindingsProvider;
  private view: CatalogueView | null = null;
  /** What the provider's last load gave (onLoad), until current() takes it up. */
  private loaded: {
    bindings: BindingSet;
    info: Map<string, IndicatorInfo>;
    problems: ReturnType<typeof checkPacePlan>;
  } | null = null;
  /** Pace profiles and thresholds (IW_PACE), read once at start-up: a bad line stops the start. */
  readonly pacePlan: PacePlan;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
    @Inject(MONGO_CONNECTION) conn: Connection,
    private readonly repo: CatalogueRepository,
  ) {
    this.pacePlan = readPacePlan(config.files.pace);
    this.provider = BindingsProvider.fromConfig(conn, config, {
      log: (m) => this.logger.log(m),
      onLoad: (catalogue, bindings) => (this.loaded = { bindings, ...this.infoOf(catalogue) }),
    });
  }

  /** A bad bindings file stops the start; an empty catalogue does not (nothing to evaluate yet). */
  async onModuleInit(): Promise<void> {
    if (!(await this.current(this.realClock.now())))
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
      const first = this.view === null;
      const { info, problems } =
        this.loaded?.bindings === bindings ? this.loaded : this.infoOf(await this.repo.load(bindings.fiscalYear));
      this.loaded = null;
      // Assignments naming nothing: fatal at start-up (a typo), a warning after a re-import.
      if (problems.length) {
        const text = problems.map((p) => `${this.config.files.pace}:${p.line}: ${p.message}`).join('; ');
        if (first) throw new Error(`pace file: ${text}`);
        this.logger.warn(`pace file: ${text}`);
      }
      this.view = { bindings, info };
    }
    return this.view;
  }

  /** What the catalogue adds per unit (catalogueInfo), and the pace file's assignments that name nothing. */
  private infoOf(catalogue: ParsedCatalogue): {
    info: Map<string, IndicatorInfo>;
    problems: ReturnType<typeof checkPacePlan>;
  } {
    const info = catalogueInfo(catalogue, (p, i) =>
      paceFor(this.pacePlan, {
        agency: p.budgetUnit,
        projectId: p.id,
        projectName: p.name,
        indicatorId: i.id,
        indicatorName: i.name,
      }),
    );
    return { info, problems: checkPacePlan(this.pacePlan, [catalogue]) };
  }
}
