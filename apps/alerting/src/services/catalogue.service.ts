import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { boundSources, type BindingSet, type TrackedUnit } from '@iw/measures';
import type { ActualsRole } from '@iw/events';
import type { ParsedCatalogue } from '@iw/targets';
import {
  BindingsProvider,
  CatalogueRepository,
  EmptyCatalogueError,
  MONGO_CONNECTION,
  type Connection,
  type YearBindings,
} from '@iw/mongo';
import { checkPacePlan, paceFor, readPacePlan, type PacePlan } from '@iw/risk';
import { APP_CONFIG, REAL_CLOCK } from '../alerting.tokens';
import { catalogueInfo, type IndicatorInfo } from '../utils/assess';

export interface CatalogueView {
  /** The newest fiscal year's bindings. */
  bindings: BindingSet;
  /** The open fiscal years (in the catalogue, not closed with `iw years close`), newest first. */
  years: readonly number[];
  /** Every tracked unit of every open year (ids carry their year): what is judged and reminded. */
  units: ReadonlyMap<string, TrackedUnit>;
  /** The sources (actuals roles) that feed each bound unit (libs/measures boundSources; any unit's: sourcesOf). */
  sources: ReadonlyMap<string, readonly ActualsRole[]>;
  /** 二级指标, 指标值, agency and pace per indicator id; the agency per budget track id (catalogueInfo). */
  info: ReadonlyMap<string, IndicatorInfo>;
}

/** Whether a unit, alert or indicator id (`<year>.…`) belongs to one of `closedYears`. */
export function ofClosedYear(id: string, closedYears: ReadonlySet<number>): boolean {
  return closedYears.has(Number(id.slice(0, id.indexOf('.'))));
}

/** The tracked units (catalogue + bindings, reloaded on re-import) and what the emails quote from the table. */
@Injectable()
export class CatalogueService implements OnModuleInit {
  private readonly logger = new Logger(CatalogueService.name);
  private readonly provider: BindingsProvider;
  private view: CatalogueView | null = null;
  /** What `view` was built from: the newest year's bindings, every year's units, the closed years. */
  private viewKey: { bindings: BindingSet; units: ReadonlyMap<string, TrackedUnit>; closed: string } | null = null;
  /** Years closed when last looked (`iw years close`): their units are no longer judged nor reminded. */
  closedYears: ReadonlySet<number> = new Set();
  /** Info of the older years, per year's bindings (loaded once per catalogue version). */
  private olderInfo = new Map<BindingSet, Map<string, IndicatorInfo>>();
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

  /**
   * `realNow`: wall-clock ms (reload checks). Every open fiscal year of the catalogue: several
   * can be open at once (last year's stragglers still count until it is closed). Null while the
   * catalogue is empty.
   */
  async current(realNow: number): Promise<CatalogueView | null> {
    let years: YearBindings;
    try {
      years = await this.provider.years(realNow);
    } catch (e) {
      if (e instanceof EmptyCatalogueError) return null;
      throw e;
    }
    const bindings = years.newest;
    const closed = [...years.closed.keys()].sort().join(',');
    const key = this.viewKey;
    if (key?.bindings === bindings && key.units === years.units && key.closed === closed && this.view) return this.view;
    const first = this.view === null;
    if (key?.bindings !== bindings) {
      const { info, problems } =
        this.loaded?.bindings === bindings ? this.loaded : this.infoOf(await this.repo.load(bindings.fiscalYear));
      this.loaded = null;
      // Assignments naming nothing: fatal at start-up (a typo), a warning after a re-import.
      if (problems.length) {
        const text = problems.map((p) => `${this.config.files.pace}:${p.line}: ${p.message}`).join('; ');
        if (first) throw new Error(`pace file: ${text}`);
        this.logger.warn(`pace file: ${text}`);
      }
      this.olderInfo = new Map([[bindings, info]]);
    }
    const open = [...years.byYear.values()]
      .filter((b) => !years.closed.has(b.fiscalYear))
      .sort((a, b) => b.fiscalYear - a.fiscalYear);
    const infos: ReadonlyMap<string, IndicatorInfo>[] = [];
    const sources = new Map<string, readonly ActualsRole[]>();
    for (const b of open) {
      let yearInfo = this.olderInfo.get(b);
      if (!yearInfo) this.olderInfo.set(b, (yearInfo = this.infoOf(await this.repo.load(b.fiscalYear)).info));
      infos.push(yearInfo);
      for (const [id, roles] of boundSources(b)) sources.set(id, roles);
    }
    // One open year (the usual case): its own maps, not copies of their 100,000 entries.
    const units = open.length === 1 ? open[0].units : new Map(open.flatMap((b) => [...b.units]));
    const info = infos.length === 1 ? infos[0] : new Map(infos.flatMap((m) => [...m]));
    if (!first && closed !== key?.closed && closed)
      this.logger.log(`closed fiscal year(s) ${closed}: their units are no longer judged nor reminded`);
    this.closedYears = new Set(years.closed.keys());
    this.viewKey = { bindings, units: years.units, closed };
    this.view = { bindings, years: open.map((b) => b.fiscalYear), units, sources, info };
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
