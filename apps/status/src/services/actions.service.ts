import { randomUUID } from 'node:crypto';
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import { AlertNotFoundError } from '@iw/mongo';
import { actorOf, buildReport, type Principal, type ReportUnit } from '@iw/people';
import { targetUnit } from '@iw/measures';
import type { AckBody, AlertView, SilenceBody } from '../dtos/alert.dto';
import type { DeviationBody, IndicatorDetail } from '../dtos/indicator.dto';
import type { ReportBody, ReportResult } from '../dtos/report.dto';
import type { HttpRequest } from '../middleware/http-types';
import { ReportPublisher } from '../adapters/report-publisher';
import { Store } from '../adapters/store';
import { APP_CONFIG } from '../tokens';
import { AccessService } from './access.service';
import { AlertsService } from './alerts.service';
import { AuditService } from './audit.service';
import { IndicatorsService } from './indicators.service';
import { TrackingService, type UnitState } from './tracking.service';

type Client = Pick<HttpRequest, 'ip'> | null;

/**
 * What people do — acknowledge, silence and un-silence alerts, report (填报), write 偏差原因 and
 * 整改措施 — each checked against the access rules first and recorded in the audit log after.
 * The same path serves the page's forms and the API.
 */
@Injectable()
export class ActionsService {
  constructor(
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly alerts: AlertsService,
    private readonly indicators: IndicatorsService,
    private readonly tracking: TrackingService,
    private readonly publisher: ReportPublisher,
    private readonly store: Store,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Who is recorded on the alert: a person's address; for a token, the `by` it sends, else its id. */
  private by(p: Principal, by: string | undefined): string {
    return p.kind === 'person' ? p.person.email : by?.trim() || actorOf(p);
  }

  private async alertFor(p: Principal, id: string) {
    const stored = await this.store.alerts.get(id);
    if (!stored) throw new AlertNotFoundError(id);
    const r = await this.access.unit(p, 'act', stored.alert.id, stored.alert.unit.projectId);
    return { alert: stored.alert, agency: r.agency };
  }

  private alertState(
    a: Pick<AlertView, 'state' | 'acknowledgedAt' | 'acknowledgedBy' | 'silencedUntil' | 'silencedBy'>,
  ) {
    return {
      state: a.state,
      acknowledgedAt: a.acknowledgedAt,
      acknowledgedBy: a.acknowledgedBy,
      silencedUntil: a.silencedUntil,
      silencedBy: a.silencedBy,
    };
  }

  async acknowledge(p: Principal, id: string, body: AckBody, req: Client): Promise<AlertView> {
    const { alert, agency } = await this.alertFor(p, id);
    const after = await this.alerts.acknowledge(id, { by: this.by(p, body.by) });
    await this.audit.record(
      p,
      'ack',
      subject(alert, agency),
      { before: this.alertState(alert), after: this.alertState(after) },
      req,
    );
    return after;
  }

  async silence(p: Principal, id: string, body: SilenceBody, req: Client): Promise<AlertView> {
    const { alert, agency } = await this.alertFor(p, id);
    const after = await this.alerts.silence(id, { until: body.until, by: this.by(p, body.by) });
    await this.audit.record(
      p,
      'silence',
      subject(alert, agency),
      { before: this.alertState(alert), after: this.alertState(after) },
      req,
    );
    return after;
  }

  async unsilence(p: Principal, id: string, body: AckBody, req: Client): Promise<AlertView> {
    const { alert, agency } = await this.alertFor(p, id);
    const after = await this.alerts.unsilence(id, { by: this.by(p, body.by) });
    await this.audit.record(
      p,
      'unsilence',
      subject(alert, agency),
      { before: this.alertState(alert), after: this.alertState(after) },
      req,
    );
    return after;
  }

  /** 确认 several alerts: each the principal may act on and that is open and not yet acknowledged. */
  async acknowledgeMany(
    p: Principal,
    ids: readonly string[],
    req: Client,
  ): Promise<{ acknowledged: string[]; skipped: Array<{ id: string; reason: string }> }> {
    const acknowledged: string[] = [];
    const skipped: Array<{ id: string; reason: string }> = [];
    for (const id of [...new Set(ids)]) {
      try {
        const stored = await this.store.alerts.get(id);
        if (!stored) throw new AlertNotFoundError(id);
        if (stored.alert.state !== 'open' || stored.alert.acknowledgedAt) {
          skipped.push({ id, reason: stored.alert.state !== 'open' ? '告警已结束' : '已确认' });
          continue;
        }
        await this.acknowledge(p, id, {}, req);
        acknowledged.push(id);
      } catch (e) {
        const r = (e as { getResponse?: () => unknown }).getResponse?.() as { message?: unknown } | undefined;
        skipped.push({ id, reason: typeof r?.message === 'string' ? r.message : (e as Error).message });
      }
    }
    return { acknowledged, skipped };
  }

  /** 填报: published as an actuals.measurements event (a fresh event id, the person as its source). */
  async report(p: Principal, indicatorId: string, body: ReportBody, req: Client): Promise<ReportResult> {
    const i = await this.tracking.indicator(indicatorId);
    if (!i) throw new NotFoundException(`指标未纳入监控：${indicatorId}`);
    const unitId = body.unit ?? (i.units.length === 1 ? i.units[0].unit.id : undefined);
    if (unitId === undefined)
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: '请选择要填报的分项（unit）。' });
    const state = i.units.find((u) => u.unit.id === unitId);
    if (!state) throw new NotFoundException(`指标 ${indicatorId} 没有分项 ${unitId}`);
    const r = await this.access.unit(p, 'act', unitId, i.project._id);
    const eventId = `report-${randomUUID()}`;
    const built = buildReport(reportUnit(state, i.doc.name), body, {
      eventId,
      source: actorOf(p),
      now: this.tracking.now(),
      timeZone: this.config.timeZone,
    });
    if (!built.ok) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: built.error });
    await this.publisher.publish(built.event);
    await this.audit.record(
      p,
      'report',
      { target: unitId, indicatorId: i.doc._id, projectId: i.project._id, agency: r.agency },
      {
        before: {
          actual: state.progress?.actual ?? null,
          status: state.status,
          eventCount: state.progress?.eventCount ?? 0,
          assessment: state.progress?.assessment ?? null,
        },
        after: { eventId, summary: built.summary, event: built.event },
      },
      req,
    );
    return { eventId, unit: unitId, summary: built.summary, event: built.event as unknown as Record<string, unknown> };
  }

  /** 偏差原因 and 整改措施, stored by the indicators service (which keeps their history). */
  async deviation(p: Principal, indicatorId: string, body: DeviationBody, req: Client): Promise<IndicatorDetail> {
    const r = await this.access.unit(p, 'act', indicatorId);
    const before = await this.indicators.get(indicatorId);
    const after = await this.indicators.setDeviation(indicatorId, { ...body, by: this.by(p, body.by) });
    await this.audit.record(
      p,
      'deviation',
      { target: indicatorId, indicatorId, projectId: r.projectId, agency: r.agency },
      { before: before.deviation, after: after.deviation },
      req,
    );
    return after;
  }
}

function subject(alert: { id: string; unit: { indicatorId: string; projectId: string } }, agency: string | null) {
  return { target: alert.id, indicatorId: alert.unit.indicatorId, projectId: alert.unit.projectId, agency };
}

/** A tracked unit as 填报 sees it. */
export function reportUnit(s: UnitState, indicatorName: string): ReportUnit {
  const label = s.unit.kind === 'part' && s.unit.part ? `${indicatorName}（${s.unit.part}）` : indicatorName;
  return {
    id: s.unit.id,
    name: label,
    measure: s.unit.measure,
    bound: s.unit.bindingLine !== undefined,
    unit: targetUnit(s.unit.target),
    scale: s.unit.scale,
    period: s.unit.period,
    actual: s.progress?.actual ?? null,
    survey: /满意/.test(indicatorName),
  };
}
