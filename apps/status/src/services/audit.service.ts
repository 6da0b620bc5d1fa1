import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { startOfLocalDay, type Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import type { AuditAction, AuditDoc } from '@iw/mongo';
import { actorOf, decide, readableAgencies, type Principal } from '@iw/people';
import type { AuditEntryView, AuditList, AuditQuery } from '../dtos/audit.dto';
import type { HttpRequest } from '../middleware/http-types';
import { Store } from '../adapters/store';
import { APP_CONFIG, CLOCK, REAL_CLOCK } from '../tokens';

export interface AuditSubject {
  target: string;
  indicatorId: string | null;
  projectId: string | null;
  agency: string | null;
}

const ATTEMPTS = 3;

/**
 * The audit log: every action a person (or token) takes, appended after it succeeded — who,
 * when (domain and wall clock), what, on what, before and after, from which address. The
 * collection is never updated or deleted. An entry that cannot be written after three attempts
 * is written to the status log in full (and the error goes back to the caller).
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly store: Store,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
  ) {}

  async record(
    p: Principal,
    action: AuditAction,
    subject: AuditSubject,
    change: { before: unknown; after: unknown },
    req: Pick<HttpRequest, 'ip'> | null,
  ): Promise<AuditDoc> {
    const entry = {
      actor: actorOf(p),
      actorName: p.kind === 'person' ? p.person.name : `API 令牌（${p.scope}）`,
      role: p.kind === 'person' ? p.person.role : p.scope,
      action,
      ...subject,
      at: new Date(this.clock.now()),
      recordedAt: new Date(this.realClock.now()),
      before: change.before ?? null,
      after: change.after ?? null,
      address: req?.ip ?? null,
    };
    let last: unknown;
    for (let i = 0; i < ATTEMPTS; i++) {
      try {
        return await this.store.audit.append(entry);
      } catch (e) {
        last = e;
      }
    }
    this.logger.error(`audit entry not stored (${(last as Error).message}): ${JSON.stringify(entry)}`);
    throw last;
  }

  /** Entries the principal may read, newest first. */
  async list(p: Principal, q: AuditQuery): Promise<AuditList> {
    // A filter naming no indicator is a mistake to report, not an empty log (a part `…~n` counts as its indicator).
    if (q.indicator !== undefined && !(await this.store.catalogue.indicator(q.indicator.replace(/~[^~]*$/, ''))))
      throw new NotFoundException(`找不到指标：${q.indicator}`);
    const since = q.since
      ? new Date(/T/.test(q.since) ? Date.parse(q.since) : startOfLocalDay(q.since, this.config.timeZone))
      : undefined;
    const docs = await this.store.audit.list({
      ...(q.indicator ? { indicatorId: q.indicator } : {}),
      ...(q.actor ? { actor: q.actor.trim().toLowerCase() } : {}),
      ...(since ? { since } : {}),
      agencies: readableAgencies(p),
      limit: q.limit ?? 500,
    });
    return {
      entries: docs
        .filter((d) => decide(p, 'audit', { agency: d.agency, actor: d.actor, action: d.action }).ok)
        .map(auditView),
    };
  }
}

export function auditView(d: AuditDoc): AuditEntryView {
  return {
    id: d._id,
    actor: d.actor,
    actorName: d.actorName,
    role: d.role,
    action: d.action,
    target: d.target,
    indicatorId: d.indicatorId,
    projectId: d.projectId,
    agency: d.agency,
    at: d.at.toISOString(),
    recordedAt: d.recordedAt.toISOString(),
    before: d.before,
    after: d.after,
    address: d.address,
  };
}
