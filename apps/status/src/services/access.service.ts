import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { decide, readableAgencies, type Permission, type Principal, type Resource } from '@iw/people';
import { Store } from '../adapters/store';
import { forbidden } from '../middleware/auth.guard';
import { PeopleService } from './people.service';

/** The 404 message for an agency (预算单位) no project of the catalogue belongs to. */
export const noSuchAgency = (agency: string): string => `找不到预算单位：${agency}（目标表目录中没有它的项目）`;

/**
 * "May this person or token do X on Y", asked before every read and action (after immich's
 * requireAccess). The rules are libs/people `decide`; this service finds out which agency a
 * project, indicator or alert belongs to and who owns it.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly people: PeopleService,
    private readonly store: Store,
  ) {}

  /** Throws 403 (Chinese message) unless allowed. */
  check(p: Principal, permission: Permission, r: Resource): void {
    const d = decide(p, permission, r);
    if (!d.ok) throw new ForbiddenException(forbidden(d.message));
  }

  allows(p: Principal, permission: Permission, r: Resource): boolean {
    return decide(p, permission, r).ok;
  }

  /** Access to a project (404 in Chinese, naming it, when there is no such project). */
  async project(p: Principal, permission: Permission, projectId: string): Promise<void> {
    const agency = (await this.people.directory()).agencyOfProject(projectId);
    if (agency === null) {
      if (!(await this.store.catalogue.project(projectId))) throw new NotFoundException(`找不到项目：${projectId}`);
    }
    this.check(p, permission, { agency });
  }

  /**
   * Access to a tracked unit (an indicator, a compound part `…~label`, a budget track): its
   * project's agency, and for `act` its owners. 404 when the indicator is unknown.
   */
  async unit(
    p: Principal,
    permission: Permission,
    unitId: string,
    projectId?: string,
  ): Promise<Resource & { projectId: string }> {
    const r = await this.resourceOf(unitId, projectId);
    this.check(p, permission, r);
    return r;
  }

  async resourceOf(unitId: string, projectId?: string): Promise<Resource & { projectId: string }> {
    let pid = projectId;
    if (pid === undefined) {
      const indicatorId = unitId.replace(/~[^~]*$/, '');
      const doc = await this.store.catalogue.indicator(indicatorId);
      if (!doc) throw new NotFoundException(`找不到指标：${indicatorId}`);
      pid = doc.projectId;
    }
    const d = await this.people.directory();
    return { agency: d.agencyOfProject(pid), owners: d.ownersOf(unitId, pid), projectId: pid };
  }

  /** A filter for lists: whether the principal reads this project's content. */
  async readable(p: Principal): Promise<(projectId: string) => boolean> {
    const agencies = readableAgencies(p);
    if (agencies === null) return () => true;
    const d = await this.people.directory();
    return (projectId) => {
      const a = d.agencyOfProject(projectId);
      return a !== null && agencies.includes(a);
    };
  }

  /**
   * `readable`, narrowed to one agency when a list is asked `?agency=`: the projects of that
   * agency the principal reads (none of another agency, whatever is asked).
   */
  async listFilter(p: Principal, agency?: string): Promise<(projectId: string) => boolean> {
    const readable = await this.readable(p);
    if (agency === undefined) return readable;
    const d = await this.people.directory();
    const wanted = agency.trim();
    // An agency the caller does not read stays an empty list (they learn nothing of it); one the
    // caller could read but the catalogue does not hold is a mistake to report.
    const agencies = readableAgencies(p);
    if ((agencies === null || agencies.includes(wanted)) && !d.knowsAgency(wanted))
      throw new NotFoundException(noSuchAgency(wanted));
    return (projectId) => readable(projectId) && d.agencyOfProject(projectId) === wanted;
  }

  /** 404 unless some project of the catalogue belongs to the agency. */
  async knownAgency(agency: string): Promise<void> {
    if (!(await this.people.directory()).knowsAgency(agency)) throw new NotFoundException(noSuchAgency(agency));
  }

  /** Whether the principal may act on a unit (to show or hide a form). */
  async mayAct(p: Principal, unitId: string, projectId: string): Promise<boolean> {
    const d = await this.people.directory();
    return this.allows(p, 'act', { agency: d.agencyOfProject(projectId), owners: d.ownersOf(unitId, projectId) });
  }
}
