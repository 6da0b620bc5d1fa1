import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
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
import type { Principal } from '@iw/people';
import type { AuthedRequest } from '../middleware/http-types';
import { Auth, Req, Requires } from '../middleware/public.decorator';
import { ZodPipe } from '../middleware/zod.pipe';
import { AccessService } from '../services/access.service';
import { ActionsService } from '../services/actions.service';
import { AlertsService } from '../services/alerts.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly actions: ActionsService,
    private readonly access: AccessService,
  ) {}

  @Requires('read')
  @Get()
  @ApiOperation({
    summary: 'Alerts, newest change first; filter by state and project (only agencies the caller reads)',
  })
  @ApiQuery({
    name: 'agency',
    required: false,
    description: 'only this agency (预算单位, as the target tables name it)',
  })
  @ApiOkResponse({ schema: openApi(AlertListSchema) })
  @ApiQuery({ name: 'project', required: false, description: 'project id (404 when there is no such project)' })
  @ApiQuery({ name: 'state', required: false, description: 'open, resolved or closed' })
  async list(@Auth() p: Principal, @Query(new ZodPipe(AlertQuerySchema)) query: AlertQuery): Promise<AlertList> {
    // A filter naming no project is a mistake to report, not an empty list.
    if (query.project !== undefined) await this.access.project(p, 'read', query.project);
    return this.alerts.list(query, await this.access.listFilter(p, query.agency));
  }

  @Requires('act')
  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge an open alert: repeats stop until it resolves or its severity changes (409 if not open)',
  })
  @ApiBody({ schema: openApi(AckBodySchema, 'input'), required: false })
  @ApiOkResponse({ schema: openApi(AlertSchema) })
  ack(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(AckBodySchema)) body: AckBody,
  ): Promise<AlertView> {
    return this.actions.acknowledge(p, id, body, req);
  }

  @Requires('act')
  @Post(':id/silence')
  @HttpCode(200)
  @ApiOperation({ summary: 'Silence an alert until a date (YYYY-MM-DD: through its end) or an ISO date-time' })
  @ApiBody({ schema: openApi(SilenceBodySchema, 'input') })
  @ApiOkResponse({ schema: openApi(AlertSchema) })
  silence(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(SilenceBodySchema)) body: SilenceBody,
  ): Promise<AlertView> {
    return this.actions.silence(p, id, body, req);
  }

  @Requires('act')
  @Post(':id/unsilence')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift the silence of an alert' })
  @ApiBody({ schema: openApi(AckBodySchema, 'input'), required: false })
  @ApiOkResponse({ schema: openApi(AlertSchema) })
  unsilence(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(AckBodySchema)) body: AckBody,
  ): Promise<AlertView> {
    return this.actions.unsilence(p, id, body, req);
  }
}
