import * as fs from 'node:fs';
import { loadBindings, type BindingSet } from '@iw/measures';
import { CatalogueRepository } from './repositories/catalogue.repository';
import type { Connection } from 'mongoose';

export interface BindingsProviderOptions {
  bindingsFile: string;
  timeZone: string;
  satisfiedShare: number;
  /** How often to look for a re-imported catalogue (real ms). */
  recheckMs?: number;
  log?: (message: string) => void;
}

export class EmptyCatalogueError extends Error {
  constructor() {
    super('the catalogue is empty: import a target table first (npx iw targets import <file>)');
    this.name = 'EmptyCatalogueError';
  }
}

/**
 * The tracked units and bindings every service works with: the catalogue stored in MongoDB
 * (by `iw targets import`) joined with the bindings file, validated on load (a bad bindings
 * line names its line), and reloaded when a re-import changes the catalogue. The newest fiscal
 * year in the catalogue is the one tracked.
 */
export class BindingsProvider {
  private readonly repo: CatalogueRepository;
  private current: { bindings: BindingSet; version: number } | null = null;
  private checkedAt = -Infinity;

  constructor(
    conn: Connection,
    private readonly options: BindingsProviderOptions,
  ) {
    this.repo = new CatalogueRepository(conn);
  }

  /** `realNow` is wall-clock ms (reload checks follow real time, not simulated time). */
  async get(realNow: number): Promise<BindingSet> {
    if (this.current && realNow - this.checkedAt < (this.options.recheckMs ?? 5000)) return this.current.bindings;
    this.checkedAt = realNow;
    const version = await this.repo.lastChange();
    if (this.current && this.current.version === version) return this.current.bindings;
    const years = await this.repo.fiscalYears();
    if (years.length === 0) throw new EmptyCatalogueError();
    const catalogue = await this.repo.load(years[0]);
    const bindings = loadBindings(fs.readFileSync(this.options.bindingsFile, 'utf8'), catalogue, {
      timeZone: this.options.timeZone,
      satisfiedShare: this.options.satisfiedShare,
    });
    this.options.log?.(
      `${this.current ? 'catalogue changed: reloaded' : `fiscal year ${years[0]}:`} ${bindings.units.size} tracked units, ${bindings.bindings.length} bindings`,
    );
    this.current = { bindings, version };
    return bindings;
  }
}
