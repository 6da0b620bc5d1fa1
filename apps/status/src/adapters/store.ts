import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import { catalogueUnits, type BindingSet, type TrackedUnit } from '@iw/measures';
import type { ParsedCatalogue } from '@iw/targets';
import {
  AlertRepository,
  AuditRepository,
  PeopleRepository,
  SecretRepository,
  SessionRepository,
  BindingsProvider,
  CatalogueRepository,
  DlqRepository,
  EmptyCatalogueError,
  EvaluationRepository,
  HistoryRepository,
  OutboxRepository,
  ProgressRepository,
  StatsRepository,
  WatermarkRepository,
  indicatorsOf,
  type Connection,
  type DeviationDoc,
} from '@iw/mongo';
import { APP_CONFIG } from '../tokens';
import { MongoHandle } from './mongo-handle';

interface Repos {
  conn: Connection;
  catalogue: CatalogueRepository;
  progress: ProgressRepository;
  evaluations: EvaluationRepository;
  alerts: AlertRepository;
  outbox: OutboxRepository;
  dlq: DlqRepository;
  stats: StatsRepository;
  watermarks: WatermarkRepository;
  bindings: BindingsProvider;
  people: PeopleRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  secrets: SecretRepository;
  history: HistoryRepository;
}

/** The tracked units of the catalogue, and whether they come with the bindings file. */
export interface UnitSet {
  fiscalYear: number;
  units: ReadonlyMap<string, TrackedUnit>;
  /** The year's projects and indicators as the units were made from (the import's snapshot). */
  catalogue: ParsedCatalogue;
  /** Set when the bindings file could not be used: units then carry their default measures. */
  bindingsError: string | null;
}

/**
 * The repositories of libs/mongo over the (lazily connected) MongoDB connection, built once per
 * connection. Services reach MongoDB only through here, so a test can swap it. Unlike ingest and
 * alerting (which take repositoryProviders over a connection made before they start), the
 * status app starts and answers /health while MongoDB is down, so its repositories follow the
 * connection MongoHandle makes when the database comes back.
 */
@Injectable()
export class Store {
  private readonly logger = new Logger('Store');
  private repos: Repos | null = null;

  constructor(
    private readonly mongo: MongoHandle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get r(): Repos {
    const conn = this.mongo.connection();
    if (this.repos?.conn !== conn) {
      this.repos = {
        conn,
        catalogue: new CatalogueRepository(conn),
        progress: new ProgressRepository(conn),
        evaluations: new EvaluationRepository(conn),
        alerts: new AlertRepository(conn),
        outbox: new OutboxRepository(conn),
        dlq: new DlqRepository(conn),
        stats: new StatsRepository(conn),
        watermarks: new WatermarkRepository(conn),
        bindings: BindingsProvider.fromConfig(conn, this.config, {
          recheckMs: 2000,
          log: (m) => this.logger.log(m),
          keepCatalogues: true,
        }),
        people: new PeopleRepository(conn),
        sessions: new SessionRepository(conn),
        audit: new AuditRepository(conn),
        secrets: new SecretRepository(conn),
        history: new HistoryRepository(conn),
      };
    }
    return this.repos;
  }

  get catalogue() {
    return this.r.catalogue;
  }
  get progress() {
    return this.r.progress;
  }
  get evaluations() {
    return this.r.evaluations;
  }
  get alerts() {
    return this.r.alerts;
  }
  get outbox() {
    return this.r.outbox;
  }
  get dlq() {
    return this.r.dlq;
  }
  get stats() {
    return this.r.stats;
  }
  get people() {
    return this.r.people;
  }
  get watermarks() {
    return this.r.watermarks;
  }
  get sessions() {
    return this.r.sessions;
  }
  get audit() {
    return this.r.audit;
  }
  get secrets() {
    return this.r.secrets;
  }
  /** The open connection (for libs/mongo helpers that take one). */
  get connection() {
    return this.r.conn;
  }

  /**
   * The tracked units of the newest fiscal year (or of `year`), bound as the bindings file says;
   * null for an empty catalogue or a year it does not hold. A bindings file that does not load (a bad line) must not take the
   * dashboard down: the units then keep their default measures and the error is reported.
   */
  async units(realNow: number, year?: number): Promise<UnitSet | null> {
    try {
      const newest: BindingSet = await this.r.bindings.get(realNow);
      const b =
        year === undefined || year === newest.fiscalYear
          ? newest
          : (await this.r.bindings.years(realNow)).byYear.get(year);
      if (!b) return null; // no such year in the catalogue
      const catalogue = this.r.bindings.catalogueOf(b) ?? (await this.catalogue.load(b.fiscalYear));
      return { fiscalYear: b.fiscalYear, units: b.units, catalogue, bindingsError: null };
    } catch (e) {
      if (e instanceof EmptyCatalogueError) return null;
      if (!(e instanceof Error) || /MongoServerSelectionError|MongoNetworkError|MongoNotConnected/.test(e.name))
        throw e;
      const years = await this.catalogue.fiscalYears();
      const wanted = year ?? years[0];
      if (wanted === undefined || !years.includes(wanted)) return null;
      const catalogue = await this.catalogue.load(wanted);
      const units = catalogueUnits(catalogue);
      return { fiscalYear: wanted, units: new Map(units.map((u) => [u.id, u])), catalogue, bindingsError: e.message };
    }
  }

  /**
   * The current 偏差原因 of each indicator that has one: the newest recorded (what setDeviation
   * also sets on the indicator), read from the deviation history — a few documents, where the
   * indicators are 100,000 in a province.
   */
  async deviations(): Promise<Map<string, DeviationDoc>> {
    return this.r.history.currentDeviations();
  }

  /**
   * Stores an owner's 偏差原因 and 整改措施: appended to the deviation history (valid from
   * `updatedAt`, what a back-dated 绩效监控表 reads), then set on the indicator as the current one.
   */
  async setDeviation(
    indicatorId: string,
    deviation: { category: string; remark: string; measures: string; updatedAt: Date; updatedBy?: string },
  ): Promise<boolean> {
    if (!(await this.catalogue.indicator(indicatorId))) return false;
    await this.r.history.appendDeviation(String(indicatorId), deviation);
    const res = await indicatorsOf(this.r.conn).updateOne({ _id: String(indicatorId) }, { $set: { deviation } });
    return res.matchedCount === 1;
  }
}
