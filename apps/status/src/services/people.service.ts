import * as fs from 'node:fs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { DirectoryLoader } from '@iw/mongo';
import type { Directory } from '@iw/people';
import { ownersFormatOf, parseOwners, type Owners } from '@iw/targets';
import { Store } from '../adapters/store';
import { APP_CONFIG, REAL_CLOCK } from '../tokens';

/** How long a loaded directory is used before MongoDB is asked again: `iw people remove` takes effect within this. */
const DIRECTORY_TTL_MS = 3000;

/**
 * The people directory: its entries read again every few seconds, the catalogue's side (projects,
 * indicators, owners) only after an import (DirectoryLoader). One load in flight at a time; a
 * failed load keeps nothing, so the next request tries again.
 */
@Injectable()
export class PeopleService {
  private readonly logger = new Logger('People');
  private cached: { at: number; directory: Promise<Directory> } | null = null;
  /** Per connection: the catalogue's side is read again only when an import moved the catalogue's version. */
  private loader: { conn: Store['connection']; loader: DirectoryLoader } | null = null;

  constructor(
    private readonly store: Store,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
  ) {}

  directory(): Promise<Directory> {
    const now = this.realClock.now();
    if (this.cached && now - this.cached.at < DIRECTORY_TTL_MS) return this.cached.directory;
    const conn = this.store.connection;
    if (this.loader?.conn !== conn)
      this.loader = {
        conn,
        loader: new DirectoryLoader(
          conn,
          () => this.ownersFile(),
          () => this.ownersFileStamp(),
        ),
      };
    const directory = this.loader.loader.load();
    this.cached = { at: now, directory };
    directory.catch(() => {
      if (this.cached?.directory === directory) this.cached = null;
    });
    return directory;
  }

  /** Forget the loaded directory (after a change made here). */
  invalidate(): void {
    this.cached = null;
  }

  /** When the owners file last changed (it is read again then, while MongoDB holds no owners). */
  private ownersFileStamp(): string {
    try {
      return String(fs.statSync(this.config.files.owners).mtimeMs);
    } catch {
      return 'none';
    }
  }

  private ownersFile(): Owners | null {
    const file = this.config.files.owners;
    try {
      return parseOwners(fs.readFileSync(file, 'utf8'), ownersFormatOf(file));
    } catch (e) {
      this.logger.warn(`no owners stored in MongoDB and ${file} is unusable (${(e as Error).message})`);
      return null;
    }
  }
}
