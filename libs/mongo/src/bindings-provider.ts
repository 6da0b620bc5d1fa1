import * as fs from 'node:fs';
import {
  loadBindings,
  readBindingsFileAsync,
  type BindingSet,
  type BindingsRead,
  type TrackedUnit,
} from '@iw/measures';
import type { ParsedCatalogue } from '@iw/targets';
import type { FiscalYearDoc } from './documents';
import { CatalogueRepository } from './repositories/catalogue.repository';
import { FiscalYearRepository } from './repositories/fiscal-year.repository';
import type { Connection } from 'mongoose';

export interface BindingsProviderOptions {
  bindingsFile: string;
  timeZone: string;
  satisfiedShare: number;
  /** How often to look for a re-imported catalogue (real ms). */
  recheckMs?: number;
  log?: (message: string) => void;
  /**
   * Called with the newest year's catalogue each time it is (re)loaded, before `get` returns
   * its bindings: what a service needs from the table besides the units is taken from it there
   * (the catalogue itself is not kept, nor read a second time).
   */
  onLoad?: (catalogue: ParsedCatalogue, bindings: BindingSet) => void;
  /**
   * Keep each year's catalogue with its bindings (catalogueOf): the status app shows the
   * projects and indicators from it instead of reading 100,000 indicator documents per request.
   */
  keepCatalogues?: boolean;
}

export class EmptyCatalogueError extends Error {
  constructor() {
    super('the catalogue is empty: import a target table first (npx iw targets import <file>)');
    this.name = 'EmptyCatalogueError';
  }
}

/** The settings a provider reads (the app config has them). */
export interface BindingsConfig {
  files: { bindings: string };
  timeZone: string;
  surveys: { satisfiedShare: number };
}

/** Every fiscal year of the catalogue with its bindings, and the closed years (ingest routes by year). */
export interface YearBindings {
  /** The newest year's: what alerting and the dashboard track by default. */
  newest: BindingSet;
  byYear: ReadonlyMap<number, BindingSet>;
  /** Every year's units in one map (ids carry their year). */
  units: ReadonlyMap<string, TrackedUnit>;
  closed: ReadonlyMap<number, FiscalYearDoc>;
}

/**
 * The tracked units and bindings every service works with: the catalogue stored in MongoDB
 * (by `iw targets import`) joined with the bindings file, validated on load (a bad bindings
 * line names its line), and reloaded when a re-import changes the catalogue. The newest fiscal
 * year in the catalogue is the one tracked.
 */
export class BindingsProvider {
  private readonly repo: CatalogueRepository;
  private readonly fiscalYears: FiscalYearRepository;
  private current: { bindings: BindingSet; version: string } | null = null;
  private checkedAt = -Infinity;
  private all: { years: Omit<YearBindings, 'closed'>; version: string } | null = null;
  private closed: { years: Map<number, FiscalYearDoc>; at: number } | null = null;
  private readonly catalogues = new WeakMap<BindingSet, ParsedCatalogue>();

  constructor(
    conn: Connection,
    private readonly options: BindingsProviderOptions,
  ) {
    this.repo = new CatalogueRepository(conn);
    this.fiscalYears = new FiscalYearRepository(conn);
  }

  /** The provider every service and command uses: the bindings file, time zone and survey share of the config. */
  static fromConfig(
    conn: Connection,
    config: BindingsConfig,
    extra: Pick<BindingsProviderOptions, 'recheckMs' | 'log' | 'onLoad' | 'keepCatalogues'> = {},
  ): BindingsProvider {
    return new BindingsProvider(conn, {
      bindingsFile: config.files.bindings,
      timeZone: config.timeZone,
      satisfiedShare: config.surveys.satisfiedShare,
      ...extra,
    });
  }

  /**
   * Every fiscal year of the catalogue bound with the bindings file, and the closed years
   * (re-read as often as the catalogue). An older year the bindings file does not fit is left
   * out with a log line: its events are then routed against the newest year, as before.
   */
  async years(realNow: number): Promise<YearBindings> {
    const newest = await this.get(realNow);
    const version = this.current!.version;
    if (!this.all || this.all.version !== version) {
      const byYear = new Map<number, BindingSet>([[newest.fiscalYear, newest]]);
      for (const year of await this.repo.fiscalYears()) {
        if (byYear.has(year)) continue;
        try {
          byYear.set(year, (await this.loadAndBind(year)).bindings);
        } catch (e) {
          this.options.log?.(
            `fiscal year ${year}: not bound (${(e as Error).message}); its events are routed against ${newest.fiscalYear}`,
          );
        }
      }
      // One year (the usual case): its own map, not a copy of its 100,000 entries.
      let units: ReadonlyMap<string, TrackedUnit> = newest.units;
      if (byYear.size > 1) {
        const all = new Map<string, TrackedUnit>();
        for (const b of byYear.values()) for (const [id, u] of b.units) all.set(id, u);
        units = all;
      }
      this.all = { years: { newest, byYear, units }, version };
    }
    if (!this.closed || realNow - this.closed.at >= (this.options.recheckMs ?? 5000)) {
      const docs = await this.fiscalYears.closed();
      this.closed = { years: new Map(docs.map((d) => [d.year, d])), at: realNow };
    }
    return { ...this.all.years, closed: this.closed.years };
  }

  /**
   * A fiscal year's catalogue bound as the bindings file says. The file is read (YAML, seconds for
   * a province's) while the catalogue comes in from the store, in turns.
   */
  private async loadAndBind(year: number): Promise<{ catalogue: ParsedCatalogue; bindings: BindingSet }> {
    const [catalogue, read] = await Promise.all([
      this.repo.load(year),
      readBindingsFileAsync(fs.readFileSync(this.options.bindingsFile, 'utf8')),
    ]);
    return { catalogue, bindings: this.bind(catalogue, read) };
  }

  private bind(catalogue: ParsedCatalogue, read: BindingsRead): BindingSet {
    const bindings = loadBindings(read, catalogue, {
      timeZone: this.options.timeZone,
      satisfiedShare: this.options.satisfiedShare,
    });
    if (this.options.keepCatalogues) this.catalogues.set(bindings, catalogue);
    return bindings;
  }

  /** The catalogue `bindings` were bound from (only with `keepCatalogues`). */
  catalogueOf(bindings: BindingSet): ParsedCatalogue | undefined {
    return this.catalogues.get(bindings);
  }

  /** `realNow` is wall-clock ms (reload checks follow real time, not simulated time). */
  async get(realNow: number): Promise<BindingSet> {
    if (this.current && realNow - this.checkedAt < (this.options.recheckMs ?? 5000)) return this.current.bindings;
    this.checkedAt = realNow;
    const version = await this.repo.lastChange();
    if (this.current && this.current.version === version) return this.current.bindings;
    const years = await this.repo.fiscalYears();
    if (years.length === 0) throw new EmptyCatalogueError();
    const { catalogue, bindings } = await this.loadAndBind(years[0]);
    this.options.onLoad?.(catalogue, bindings);
    this.options.log?.(
      `${this.current ? 'catalogue changed: reloaded' : `fiscal year ${years[0]}:`} ${bindings.units.size} tracked units, ${bindings.bindings.length} bindings`,
    );
    this.current = { bindings, version };
    return bindings;
  }
}
