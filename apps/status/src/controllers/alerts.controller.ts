import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AckBodySchema,
  AlertListSchema,
  AlertQuerySchema,
  AlertSchema,
  SilenceBodySchema,
  type AckBody,
  type AlertList,
  type AlertQuery,
  type AlertView,
  type SilenceBody,
} from '../dtos/alert.dto';
import { IdSchema } from '../dtos/common.dto';
import { openApi } from '../dtos/openapi';
import { ZodPipe } from '../middleware/zod.pipe';
import { AlertsService } from '../services/alerts.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alerts, newest change first; filter by state and project' })
  @ApiOkResponse({ schema: openApi(AlertListSchema) })
  list(@Query(new ZodPipe(AlertQuerySchema)) query: AlertQuery): Promise<AlertList> {
    return this.alerts.list(query);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge an open alert: repeats stop until it resolves or its severity changes (409 if not open)',
  })
  @ApiBody({ schema: openApi(AckBodySchema, 'input'), required: false })
  @ApiOkResponse({ schema: openApi(AlertSchema) })
  ack(
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(AckBodySchema)) body: AckBody,
  ): Promise<AlertView> {
    return this.alerts.acknowledge(id, body);
  }

  @Post(':id/silence')
  @HttpCode(200)
  @ApiOperation({ summary: 'Silence an alert until a date (YYYY-MM-DD: through its end) or an ISO date-time' })
  @ApiBody({ schema: openApi(SilenceBodySchema, 'input') })
  @ApiOkResponse({ schema: openApi(AlertSchema) })
  silence(
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(SilenceBodySchema)) body: SilenceBody,
  ): Promise<AlertView> {
    return this.alerts.silence(id, body);
  }
}
