import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { endOfLocalDay, localDate, type Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { loadAgencyReportInput, loadReportInputs, NoSuchAgencyError } from '@iw/mongo';
import {
  agencyReportXlsx,
  buildAgencyReport,
  buildMonitoringReport,
  checkReportDate,
  monitoringReportXlsx,
  type AgencyMonitoringReport,
  type MonitoringReport,
} from '@iw/report';
import { Store } from '../adapters/store';
import { APP_CONFIG, REAL_CLOCK } from '../tokens';
import { TrackingService } from './tracking.service';

/**
 * The 绩效监控表 as of a date (default: today): one project's, or an agency's workbook. The rows
 * come from libs/report; what they read — the targets, assessments and 偏差原因 valid on that
 * date — from libs/mongo loadReportInputs, as `iw report` reads them.
 */
@Injectable()
export class ReportService {
  constructor(
    private readonly tracking: TrackingService,
    private readonly store: Store,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
  ) {}

  async build(projectId: string, asOf: string | undefined): Promise<MonitoringReport> {
    const p = await this.store.catalogue.project(projectId);
    const year = p && !p.archived ? await this.trackedYear(p.fiscalYear) : null;
    if (!p || !year) throw new NotFoundException(`项目未纳入监控：${projectId}`);
    const { date, now, at } = this.when(asOf, p.fiscalYear);
    const [input] = await loadReportInputs(this.store.connection, { projects: [p], units: year.units, at });
    return buildMonitoringReport({
      ...input,
      asOf: date,
      now,
      timeZone: this.config.timeZone,
      riskConfig: this.tracking.riskConfig,
    });
  }

  async xlsx(projectId: string, asOf: string | undefined): Promise<{ report: MonitoringReport; body: Buffer }> {
    const report = await this.build(projectId, asOf);
    return { report, body: await monitoringReportXlsx(report) };
  }

  /** 404 for an agency without projects in the tracked year (or an empty catalogue). */
  async agency(agency: string, asOf: string | undefined, fiscalYear?: number): Promise<AgencyMonitoringReport> {
    const year = await this.trackedYear(fiscalYear);
    if (!year)
      throw new NotFoundException(
        fiscalYear === undefined
          ? `找不到预算单位：${agency}（目标表目录为空）`
          : `目标表目录中没有 ${fiscalYear} 年度`,
      );
    try {
      const input = await loadAgencyReportInput(this.store.connection, {
        agency,
        fiscalYear: year.fiscalYear,
        units: year.units,
        asOf,
        now: this.tracking.now(),
        timeZone: this.config.timeZone,
      });
      return buildAgencyReport({ ...input, riskConfig: this.tracking.riskConfig });
    } catch (e) {
      if (e instanceof NoSuchAgencyError)
        throw new NotFoundException(`找不到预算单位：${agency}（${year.fiscalYear} 年度目标表中没有它的项目）`);
      throw e;
    }
  }

  async agencyXlsx(
    agency: string,
    asOf: string | undefined,
    fiscalYear?: number,
  ): Promise<{ report: AgencyMonitoringReport; body: Buffer }> {
    const report = await this.agency(agency, asOf, fiscalYear);
    return { report, body: await agencyReportXlsx(report) };
  }

  /** The tracked units of a fiscal year (default: the newest); null when the catalogue holds none. */
  private async trackedYear(fiscalYear?: number) {
    return this.store.units(this.realClock.now(), fiscalYear);
  }

  /** The report's date (checked: a bad one is a 400), the clock's now, and the instant judged. */
  private when(asOf: string | undefined, fiscalYear: number): { date: string; now: number; at: number } {
    const now = this.tracking.now();
    const date = asOf ?? localDate(now, this.config.timeZone);
    checkReportDate(date, fiscalYear);
    return { date, now, at: Math.min(now, endOfLocalDay(date, this.config.timeZone) - 1) };
  }
}
