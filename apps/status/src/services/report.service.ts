import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { localDate } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { buildMonitoringReport, monitoringReportXlsx, type MonitoringReport } from '@iw/report';
import type { Deviation } from '@iw/report';
import { APP_CONFIG } from '../tokens';
import { TrackingService } from './tracking.service';

/** The 绩效监控表 of a project as of a date: rows from libs/report, data from the tracking snapshot. */
@Injectable()
export class ReportService {
  constructor(
    private readonly tracking: TrackingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async build(projectId: string, asOf: string | undefined): Promise<MonitoringReport> {
    const t = await this.tracking.snapshot({ projectId });
    const p = t.projects[0];
    if (!p) throw new NotFoundException(`no tracked project ${projectId}`);
    return buildMonitoringReport({
      project: {
        id: p.doc._id,
        name: p.doc.name,
        budgetUnit: p.doc.budgetUnit,
        fiscalYear: p.doc.fiscalYear,
        goal: p.doc.goal,
        funds: p.doc.funds,
        tableKind: p.doc.tableKind,
      },
      budget: p.budget ? { unit: p.budget.unit, progress: p.budget.progress } : null,
      indicators: p.indicators.map((i) => ({
        id: i.doc._id,
        level1: i.doc.level1,
        level2: i.doc.level2,
        name: i.doc.name,
        value: i.doc.value,
        units: i.units.map((u) => ({ unit: u.unit, progress: u.progress })),
        deviation: i.doc.deviation
          ? ({
              category: i.doc.deviation.category,
              remark: i.doc.deviation.remark,
              measures: i.doc.deviation.measures,
            } as Deviation)
          : null,
      })),
      asOf: asOf ?? localDate(t.now, this.config.timeZone),
      now: t.now,
      timeZone: this.config.timeZone,
      riskConfig: this.tracking.riskConfig,
    });
  }

  async xlsx(projectId: string, asOf: string | undefined): Promise<{ report: MonitoringReport; body: Buffer }> {
    const report = await this.build(projectId, asOf);
    return { report, body: await monitoringReportXlsx(report) };
  }
}
