import { Inject, Injectable } from '@nestjs/common';
import { localDate } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { AlertNotFoundError } from '@iw/mongo';
import { decide, reportForms, type Principal } from '@iw/people';
import type { Html } from '../views/html';
import type { IndicatorDetail } from '../dtos/indicator.dto';
import { Store } from '../adapters/store';
import { APP_CONFIG } from '../tokens';
import {
  ALERT_FILTERS,
  alertConfirmPage,
  alertsPage,
  flashText,
  indicatorSections,
  type AlertFigures,
  type AlertFilter,
  type AlertRow,
  type UnitReport,
} from '../views/people';
import type { AlertView } from '../dtos/alert.dto';
import { AccessService } from './access.service';
import { reportUnit } from './actions.service';
import { alertView } from './alerts.service';
import { AuditService } from './audit.service';
import { PeopleService } from './people.service';
import { TrackingService, type IndicatorState } from './tracking.service';

export interface PageQuery {
  project?: string;
  status?: string;
  owner?: string;
  done?: string;
  n?: string;
  skipped?: string;
}

/** The people's pages: 告警 (with filters and bulk 确认), an alert's 确认 page, the indicator page's actions and 操作记录. */
@Injectable()
export class PeoplePagesService {
  constructor(
    private readonly store: Store,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly tracking: TrackingService,
    private readonly people: PeopleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private today(): string {
    return localDate(this.tracking.now(), this.config.timeZone);
  }

  async alerts(p: Principal, csrf: string | null, q: PageQuery): Promise<string> {
    const status: AlertFilter = q.status && q.status in ALERT_FILTERS ? (q.status as AlertFilter) : 'open';
    const project = typeof q.project === 'string' ? q.project : '';
    const owner = typeof q.owner === 'string' ? q.owner.trim().toLowerCase() : '';
    const now = this.tracking.now();
    const [readable, directory, stored, projects] = await Promise.all([
      this.access.readable(p),
      this.people.directory(),
      this.store.alerts.list(
        status === 'ended' || status === 'all'
          ? project
            ? { projectId: project }
            : {}
          : { state: 'open', ...(project ? { projectId: project } : {}) },
      ),
      this.store.catalogue.projects(),
    ]);
    const me = p.kind === 'person' ? p.person.email : null;
    const rows: AlertRow[] = [];
    const owners = new Set<string>();
    for (const s of stored) {
      const a = alertView(s.alert, now);
      if (!readable(a.unit.projectId)) continue;
      const unitOwners = directory.ownersOf(a.id, a.unit.projectId);
      unitOwners.forEach((o) => owners.add(o));
      if (!matches(a, status)) continue;
      if (owner && !unitOwners.includes(owner === 'me' ? (me ?? '') : owner)) continue;
      const canAct = decide(p, 'act', { agency: directory.agencyOfProject(a.unit.projectId), owners: unitOwners }).ok;
      rows.push({ alert: a, owners: unitOwners, canAct });
    }
    return alertsPage({
      rows,
      filter: { project, status, owner },
      projects: projects.filter((x) => readable(x._id)).map((x) => ({ id: x._id, name: x.name })),
      owners: [...owners].sort(),
      csrf,
      flash: flashText(q),
      timeZone: this.config.timeZone,
      signedIn: me,
    });
  }

  async alert(p: Principal, csrf: string | null, id: string, q: PageQuery): Promise<string> {
    const stored = await this.store.alerts.get(id);
    if (!stored) throw new AlertNotFoundError(id);
    const a = alertView(stored.alert, this.tracking.now());
    const r = await this.access.resourceOf(a.id, a.unit.projectId);
    this.access.check(p, 'read', r);
    const act = decide(p, 'act', r);
    return alertConfirmPage({
      row: { alert: a, owners: r.owners ?? [], canAct: act.ok },
      // An open alert's figures as of now (the stored ones are as of its last change).
      figures: a.state === 'open' ? await this.liveFigures(a.unit) : null,
      refusal: act.ok ? null : act.message,
      csrf,
      flash: flashText(q),
      timeZone: this.config.timeZone,
      today: this.today(),
    });
  }

  /** The unit's 实际完成值, 按进度应完成 and reason, judged now; null when it is not tracked (or the store fails). */
  private async liveFigures(unit: AlertView['unit']): Promise<AlertFigures | null> {
    try {
      const t = await this.tracking.snapshot({ projectId: unit.projectId });
      const project = t.projects[0];
      const state =
        project?.budget?.unit.id === unit.id
          ? project.budget
          : project?.indicators.flatMap((i) => i.units).find((u) => u.unit.id === unit.id);
      if (!state) return null;
      return {
        actual: state.progress?.actual ?? null,
        expected: state.evaluation.expected,
        reason: state.evaluation.reason,
      };
    } catch {
      return null;
    }
  }

  async indicatorSections(
    p: Principal,
    csrf: string | null,
    d: IndicatorDetail,
    q: PageQuery,
    judged?: IndicatorState,
  ): Promise<{ actions: Html; log: Html; owners: Html; alertHistory: Html }> {
    const now = this.tracking.now();
    const [state, stored, directory, audit] = await Promise.all([
      judged ?? this.tracking.indicator(d.id),
      this.store.alerts.list({ indicatorId: d.id }),
      this.people.directory(),
      this.audit.list(p, { indicator: d.id, limit: 50 }),
    ]);
    const agency = directory.agencyOfProject(d.project.id);
    const act = decide(p, 'act', { agency, owners: directory.ownersOf(d.id, d.project.id) });
    // Each alert at its newest version: alerting writes a progress batch's alerts after their
    // mails, so an owner opening the mail's link at once may come before the stored alert does.
    // (An alert's id is its unit's: those of this indicator are read by id, claims included.)
    const ids = new Set([...stored.map((s) => s.alert.id), ...(state?.units ?? []).map((s) => s.unit.id)]);
    const newest = [...(await this.store.alerts.load([...ids])).values()].sort(
      (a, b) => b.alert.updatedAt.localeCompare(a.alert.updatedAt) || (a.alert.id < b.alert.id ? -1 : 1),
    );
    const alerts: AlertRow[] = newest.map((s) => {
      const owners = directory.ownersOf(s.alert.id, d.project.id);
      return { alert: alertView(s.alert, now), owners, canAct: decide(p, 'act', { agency, owners }).ok };
    });
    const units: UnitReport[] = (state?.units ?? []).map((s) => {
      const u = reportUnit(s, d.name);
      return {
        unit: u,
        label: s.unit.kind === 'part' ? (s.unit.part ?? null) : null,
        forms: reportForms(u),
        assessment: s.progress?.assessment
          ? { likelihood: s.progress.assessment.likelihood, text: s.progress.assessment.text }
          : null,
      };
    });
    return indicatorSections({
      d,
      alerts,
      units,
      canAct: act.ok,
      refusal: act.ok ? null : act.message,
      csrf,
      flash: flashText(q),
      audit: audit.entries,
      timeZone: this.config.timeZone,
      today: this.today(),
      owners: directory
        .ownersOf(d.id, d.project.id)
        .map((email) => ({ email, name: directory.person(email)?.name ?? null })),
    });
  }
}

function matches(a: ReturnType<typeof alertView>, status: AlertFilter): boolean {
  const open = a.state === 'open';
  switch (status) {
    case 'open':
      return open;
    case 'pending':
      return open && !a.acknowledgedAt && !a.silenced;
    case 'acknowledged':
      return open && !!a.acknowledgedAt;
    case 'silenced':
      return open && a.silenced;
    case 'ended':
      return !open;
    case 'all':
      return true;
  }
}
