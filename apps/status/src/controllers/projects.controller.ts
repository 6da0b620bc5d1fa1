import { Controller, Get, Header, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { HttpResponse as Response } from '../middleware/http-types';
import type { MonitoringReport } from '@iw/report';
import { IdSchema } from '../dtos/common.dto';
import { openApi } from '../dtos/openapi';
import {
  MonitoringReportSchema,
  ProjectDetailSchema,
  ProjectListSchema,
  ReportQuerySchema,
  AgencyListQuerySchema,
  type ProjectDetail,
  type ProjectList,
  type ReportQuery,
  type AgencyListQuery,
} from '../dtos/project.dto';
import type { Principal } from '@iw/people';
import { Auth, Requires } from '../middleware/public.decorator';
import { ZodPipe } from '../middleware/zod.pipe';
import { AccessService } from '../services/access.service';
import { ProjectsService } from '../services/projects.service';
import { ReportService } from '../services/report.service';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('api/projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly reports: ReportService,
    private readonly access: AccessService,
  ) {}

  @Requires('read')
  @Get()
  @ApiOperation({
    summary: 'Projects: funds, spent, 预算执行率 against time elapsed, status counts and traffic lights',
  })
  @ApiQuery({ name: 'year', required: false, description: 'fiscal year (default: the newest in the catalogue)' })
  @ApiQuery({
    name: 'agency',
    required: false,
    description: 'only this agency (预算单位, as the target tables name it)',
  })
  @ApiOkResponse({ schema: openApi(ProjectListSchema) })
  async list(
    @Auth() p: Principal,
    @Query(new ZodPipe(AgencyListQuerySchema)) q: AgencyListQuery,
  ): Promise<ProjectList> {
    const [list, readable] = await Promise.all([this.projects.list(q.year), this.access.listFilter(p, q.agency)]);
    return { ...list, projects: list.projects.filter((x) => readable(x.id)) };
  }

  @Requires('read')
  @Get(':id')
  @ApiOperation({ summary: 'One project with its indicators' })
  @ApiOkResponse({ schema: openApi(ProjectDetailSchema) })
  async get(@Auth() p: Principal, @Param('id', new ZodPipe(IdSchema)) id: string): Promise<ProjectDetail> {
    await this.access.project(p, 'read', id);
    return this.projects.get(id);
  }

  @Requires('read')
  @Get(':id/monitoring-report')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: '绩效监控表 of the project as of a date (default: today), as JSON or .xlsx in the official layout',
  })
  @ApiQuery({ name: 'asOf', required: false, description: 'YYYY-MM-DD (local date, IW_TIMEZONE)' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'xlsx'] })
  @ApiProduces('application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ schema: openApi(MonitoringReportSchema) })
  async report(
    @Auth() p: Principal,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Query(new ZodPipe(ReportQuerySchema)) query: ReportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MonitoringReport | StreamableFile> {
    await this.access.project(p, 'read', id);
    if (query.format === 'json') return this.reports.build(id, query.asOf);
    const { report, body } = await this.reports.xlsx(id, query.asOf);
    const name = `绩效监控表-${report.projectName}-${report.asOf}.xlsx`;
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="monitoring-report-${report.asOf}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    return new StreamableFile(body, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  }
}
