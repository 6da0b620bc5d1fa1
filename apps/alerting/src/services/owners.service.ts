import * as fs from 'node:fs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OwnersResolver } from '@iw/alerts';
import type { AppConfig } from '@iw/config';
import { CatalogueRepository, ownersFromDoc } from '@iw/mongo';
import { ownersFor, ownersFormatOf, parseOwners, type Owners } from '@iw/targets';
import { APP_CONFIG } from '../alerting.tokens';

const RECHECK_MS = 5000;

/**
 * Route stage's address book: the owners stored by `iw targets import --owners`, else the
 * IW_OWNERS file. Resolution (indicator override → project → fallback) is @iw/targets ownersFor,
 * which matches owners-file names the way ids are made.
 */
@Injectable()
export class OwnersService {
  private readonly logger = new Logger(OwnersService.name);
  private cached: { owners: Owners | null; version: number; token: string | null } | null = null;
  private checkedAt = -Infinity;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: CatalogueRepository,
  ) {}

  /** `realNow`: wall-clock ms (reload checks). */
  async resolver(realNow: number): Promise<OwnersResolver> {
    const owners = await this.owners(realNow);
    return (projectId, indicatorId) => {
      if (!owners) return [];
      // A project id is `<year>.<agency>.<id segment of its name>`, and names are matched by id segment.
      return ownersFor(owners, projectId.slice(projectId.lastIndexOf('.') + 1), indicatorId);
    };
  }

  private async owners(realNow: number): Promise<Owners | null> {
    if (this.cached && realNow - this.checkedAt < RECHECK_MS) return this.cached.owners;
    this.checkedAt = realNow;
    // An import that stores owners writes a new catalogue token after them: while the token has
    // not moved, the owners are as last read. (A province's owners document is 400 KB; reading it
    // every few seconds cost its first sweep 0.7–1.1 s each time on FerretDB, even with only its
    // `updatedAt` projected.)
    const token = await this.repo.catalogueToken();
    if (this.cached && token !== null && this.cached.token === token) return this.cached.owners;
    const doc = await this.repo.owners();
    const version = doc?.updatedAt.getTime() ?? -1;
    if (this.cached && this.cached.version === version) {
      this.cached.token = token;
      return this.cached.owners;
    }
    const owners = doc ? ownersFromDoc(doc) : this.fromFile();
    this.cached = { owners, version, token };
    return owners;
  }

  private fromFile(): Owners | null {
    const file = this.config.files.owners;
    try {
      const owners = parseOwners(fs.readFileSync(file, 'utf8'), ownersFormatOf(file));
      this.logger.warn(`no owners stored in MongoDB: using ${file}`);
      return owners;
    } catch (e) {
      this.logger.error(
        `no owners stored in MongoDB and ${file} is unusable (${(e as Error).message}): notifications cannot be routed`,
      );
      return null;
    }
  }
}
