import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import { budgetBehind, rollUpAgencies } from '@iw/report';
import type { AgencyList, ProjectDetail, ProjectList, ProjectView } from '../dtos/project.dto';
import { RollUpService } from './roll-up.service';
import { APP_CONFIG } from '../tokens';
import { TrackingService } from './tracking.service';
import { indicatorView, projectView } from './views';

/** Projects: funds, spending, 预算执行率 against time elapsed, and how their indicators stand. */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly tracking: TrackingService,
    private readonly rollUp: RollUpService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The projects of a fiscal year (default: the newest); 404 for a year the catalogue does not hold. */
  async list(year?: number): Promise<ProjectList> {
    // From the roll-up: judged once and kept current, not judged again for each request.
    const r = await this.rollUp.current(year);
    if (year !== undefined && r.fiscalYear === null) throw new NotFoundException(`目标表目录中没有 ${year} 年度`);
    return { now: new Date(r.now).toISOString(), fiscalYear: r.fiscalYear, projects: r.projects.map((f) => f.view) };
  }

  /** 落后 allows the pace file's tolerance, as the risk engine does (budgetBehind). */
  private get tolerance(): number {
    return this.tracking.riskConfig.paceTolerance;
  }

  /** One row per agency of these projects (GET /api/agencies, the dashboard's roll-up). */
  agencies(list: ProjectList, projects: readonly ProjectView[]): AgencyList {
    const timeElapsed = projects[0]?.timeElapsed ?? null;
    return {
      now: list.now,
      fiscalYear: list.fiscalYear,
      timeElapsed,
      agencies: rollUpAgencies(
        projects.map((x) => ({
          budgetUnit: x.budgetUnit,
          fundsTotal: x.funds.total,
          spent: x.spent,
          lights: x.lights,
        })),
      ).map((a) => ({ ...a, behind: budgetBehind(a.executionRate, timeElapsed, this.tolerance) })),
    };
  }

  async get(id: string): Promise<ProjectDetail> {
    const t = await this.tracking.snapshot({ projectId: id });
    const p = t.projects[0];
    if (!p) throw new NotFoundException(`项目未纳入监控：${id}`);
    return {
      ...projectView(p, t.now, this.config.timeZone, this.tolerance),
      goal: p.doc.goal,
      tableKind: p.doc.tableKind,
      now: new Date(t.now).toISOString(),
      indicators: p.indicators.map(indicatorView),
    };
  }
}
