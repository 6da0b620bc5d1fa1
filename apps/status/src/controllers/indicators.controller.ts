import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
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
import { ZodPipe } from '../middleware/zod.pipe';
import { IndicatorsService } from '../services/indicators.service';

@ApiTags('indicators')
@ApiBearerAuth()
@Controller('api/indicators')
export class IndicatorsController {
  constructor(private readonly indicators: IndicatorsService) {}

  @Get()
  @ApiOperation({
    summary: 'Indicators judged now (target, actual, expected, forecast, status, reason); filter by project and status',
  })
  @ApiQuery({ name: 'project', required: false, description: 'project id' })
  @ApiQuery({
    name: 'status',
    required: false,
    description: `one or more of ${StatusSchema.options.join(', ')}, comma-separated`,
  })
  @ApiOkResponse({ schema: openApi(IndicatorListSchema) })
  list(@Query(new ZodPipe(IndicatorQuerySchema)) query: IndicatorQuery): Promise<IndicatorList> {
    return this.indicators.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One indicator with its daily history (compound: per part)' })
  @ApiOkResponse({ schema: openApi(IndicatorDetailSchema) })
  get(@Param('id', new ZodPipe(IdSchema)) id: string): Promise<IndicatorDetail> {
    return this.indicators.get(id);
  }

  @Put(':id/deviation')
  @ApiOperation({
    summary: 'Record the owner’s 偏差原因 (category, remark) and 整改措施; they appear in the 绩效监控表',
  })
  @ApiBody({ schema: openApi(DeviationBodySchema, 'input') })
  @ApiOkResponse({ schema: openApi(IndicatorDetailSchema) })
  setDeviation(
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(DeviationBodySchema)) body: DeviationBody,
  ): Promise<IndicatorDetail> {
    return this.indicators.setDeviation(id, body);
  }
}
