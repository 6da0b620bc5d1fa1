import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IdSchema, StatusSchema } from '../dtos/common.dto';
import {
  DeviationBodySchema,
  IndicatorDetailSchema,
  IndicatorListSchema,
  IndicatorQuerySchema,
  type DeviationBody,
  type IndicatorDetail,
  type IndicatorList,
  type IndicatorQuery,
} from '../dtos/indicator.dto';
import { openApi } from '../dtos/openapi';
import type { Principal } from '@iw/people';
import { ReportBodySchema, ReportResultSchema, type ReportBody, type ReportResult } from '../dtos/report.dto';
import type { AuthedRequest } from '../middleware/http-types';
import { Auth, Req, Requires } from '../middleware/public.decorator';
import { ZodPipe } from '../middleware/zod.pipe';
import { AccessService } from '../services/access.service';
import { ActionsService } from '../services/actions.service';
import { IndicatorsService } from '../services/indicators.service';

@ApiTags('indicators')
@ApiBearerAuth()
@Controller('api/indicators')
export class IndicatorsController {
  constructor(
    private readonly indicators: IndicatorsService,
    private readonly actions: ActionsService,
    private readonly access: AccessService,
  ) {}

  @Requires('read')
  @Get()
  @ApiOperation({
    summary: 'Indicators judged now (target, actual, expected, forecast, status, reason); filter by project and status',
  })
  @ApiQuery({ name: 'project', required: false, description: 'project id (404 when there is no such project)' })
  @ApiQuery({
    name: 'agency',
    required: false,
    description: 'only this agency (预算单位, as the target tables name it)',
  })
  @ApiQuery({
    name: 'year',
    required: false,
    description: 'fiscal year (default: the newest; a given project: its own)',
  })
  @ApiQuery({
    name: 'status',
    required: false,
    description: `one or more of ${StatusSchema.options.join(', ')}, comma-separated`,
  })
  @ApiOkResponse({ schema: openApi(IndicatorListSchema) })
  async list(
    @Auth() p: Principal,
    @Query(new ZodPipe(IndicatorQuerySchema)) query: IndicatorQuery,
  ): Promise<IndicatorList> {
    // A filter naming no project is a mistake to report, not an empty list.
    if (query.project !== undefined) await this.access.project(p, 'read', query.project);
    // Only the projects the reader may list are read and judged: an agency's people, or
    // `?agency=`, cost that agency's projects, not the province's.
    return this.indicators.list(query, await this.access.listFilter(p, query.agency));
  }

  @Requires('read')
  @Get(':id')
  @ApiOperation({ summary: 'One indicator with its daily history (compound: per part)' })
  @ApiOkResponse({ schema: openApi(IndicatorDetailSchema) })
  async get(@Auth() p: Principal, @Param('id', new ZodPipe(IdSchema)) id: string): Promise<IndicatorDetail> {
    await this.access.unit(p, 'read', id);
    return this.indicators.get(id);
  }

  @Requires('act')
  @Put(':id/deviation')
  @ApiOperation({
    summary: 'Record the owner’s 偏差原因 (category, remark) and 整改措施; they appear in the 绩效监控表',
  })
  @ApiBody({ schema: openApi(DeviationBodySchema, 'input') })
  @ApiOkResponse({ schema: openApi(IndicatorDetailSchema) })
  setDeviation(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(DeviationBodySchema)) body: DeviationBody,
  ): Promise<IndicatorDetail> {
    return this.actions.deviation(p, id, body, req);
  }

  @Requires('act')
  @Post(':id/report')
  @HttpCode(202)
  @ApiOperation({
    summary:
      '填报: report progress (a new cumulative value or an increment, a reading, survey counts, a milestone done with its date, an assessment 确定能/有可能/不可能 with a note). Published as an actuals.measurements event (fresh event id, the caller as its source); ingest applies it within seconds',
  })
  @ApiBody({ schema: openApi(ReportBodySchema, 'input') })
  @ApiOkResponse({ schema: openApi(ReportResultSchema) })
  report(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(ReportBodySchema)) body: ReportBody,
  ): Promise<ReportResult> {
    return this.actions.report(p, id, body, req);
  }
}
