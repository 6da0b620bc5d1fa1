import { Controller, Get, Header, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@iw/people';
import type { AgencyMonitoringReport } from '@iw/report';
import { IdSchema } from '../dtos/common.dto';
import { openApi } from '../dtos/openapi';
import {
  AgencyListSchema,
  AgencyMonitoringReportSchema,
  AgencyReportQuerySchema,
  YearQuerySchema,
  type AgencyList,
  type AgencyReportQuery,
  type YearQuery,
} from '../dtos/project.dto';
import type { HttpResponse as Response } from '../middleware/http-types';
import { Auth, Requires } from '../middleware/public.decorator';
import { ZodPipe } from '../middleware/zod.pipe';
import { AccessService } from '../services/access.service';
import { ProjectsService } from '../services/projects.service';
import { ReportService } from '../services/report.service';

@ApiTags('agencies')
@ApiBearerAuth()
@Controller('api/agencies')
export class AgenciesController {
  constructor(
    private readonly reports: ReportService,
    private readonly access: AccessService,
    private readonly projects: ProjectsService,
  ) {}

  @Requires('read')
  @Get()
  @ApiOperation({
    summary:
      'The finance department’s roll-up: one row per agency (预算单位) the caller reads — projects, indicators per 完成目标可能性 (确定能/有可能/不可能/暂无), 年度资金总额, 执行数 and 预算执行率 (against timeElapsed, 序时进度; behind: 落后, below it by more than the pace tolerance). A person of one agency gets their agency only; admins and province-wide roles get every agency.',
  })
  @ApiQuery({ name: 'year', required: false, description: 'fiscal year (default: the newest in the catalogue)' })
  @ApiOkResponse({ schema: openApi(AgencyListSchema) })
  async list(@Auth() p: Principal, @Query(new ZodPipe(YearQuerySchema)) q: YearQuery): Promise<AgencyList> {
    const [list, readable] = await Promise.all([this.projects.list(q.year), this.access.readable(p)]);
    return this.projects.agencies(
      list,
      list.projects.filter((x) => readable(x.id)),
    );
  }

  @Requires('read')
  @Get(':id/monitoring-report')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'The department 绩效监控表 of an agency (预算单位) as of a date (default: today): a summary of every project (预算执行率 against 序时进度, indicators counted by 完成目标可能性) and each project’s 绩效监控表, with the targets, assessments and 偏差原因 valid on that date; JSON, or one .xlsx (汇总 sheet, then one sheet per project in the official layout). Read by the agency’s office, viewers and owners, and admins.',
  })
  @ApiParam({ name: 'id', description: 'The agency: its 预算单位 name as in the target tables (URL-encoded)' })
  @ApiQuery({ name: 'asOf', required: false, description: 'YYYY-MM-DD (local date, IW_TIMEZONE)' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'xlsx'] })
  @ApiQuery({ name: 'year', required: false, description: 'fiscal year (default: the newest in the catalogue)' })
  @ApiProduces('application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ schema: openApi(AgencyMonitoringReportSchema) })
  async report(
    @Auth() p: Principal,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Query(new ZodPipe(AgencyReportQuerySchema)) query: AgencyReportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AgencyMonitoringReport | StreamableFile> {
    const agency = id.trim();
    // Access first, so a caller of another agency learns nothing of which agencies exist.
    this.access.check(p, 'read', { agency });
    if (query.format === 'json') return this.reports.agency(agency, query.asOf, query.year);
    const { report, body } = await this.reports.agencyXlsx(agency, query.asOf, query.year);
    const name = `绩效监控表-${report.agency}-${report.asOf}.xlsx`;
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="agency-monitoring-report-${report.asOf}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    return new StreamableFile(body, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  }
}
