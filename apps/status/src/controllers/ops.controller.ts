import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { HttpResponse as Response } from '../middleware/http-types';
import { openApi } from '../dtos/openapi';
import { Requires } from '../middleware/public.decorator';
import { DlqListSchema, DlqQuerySchema, type DlqList, type DlqQuery } from '../dtos/dlq.dto';
import { OpsStatusSchema, type OpsStatus } from '../dtos/status.dto';
import { ZodPipe } from '../middleware/zod.pipe';
import { DlqService } from '../services/dlq.service';
import { MetricsService } from '../services/metrics.service';
import { OpsStatusService } from '../services/ops-status.service';

@ApiTags('ops')
@ApiBearerAuth()
@Requires('ops')
@Controller()
export class OpsController {
  constructor(
    private readonly ops: OpsStatusService,
    private readonly metrics: MetricsService,
    private readonly dlq: DlqService,
  ) {}

  @Get('status')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Pipeline status: consumer lag per partition, events/s, DLQ, outbox, indicator statuses, budget, versions, uptime',
  })
  @ApiOkResponse({ schema: openApi(OpsStatusSchema) })
  status(): Promise<OpsStatus> {
    return this.ops.status();
  }

  @Get('api/dlq')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Rejected messages, newest first, paged (page, limit ≤ 500); filter by reason, topic, since, state (pending|redriven) as `iw dlq list` does',
  })
  @ApiOkResponse({ schema: openApi(DlqListSchema) })
  dlqList(@Query(new ZodPipe(DlqQuerySchema)) query: DlqQuery): Promise<DlqList> {
    return this.dlq.list(query);
  }

  @Get('metrics')
  @ApiOperation({
    summary:
      'Prometheus text format: the /status figures as gauges plus process metrics (ingest and alerting serve their own on IW_METRICS_PORT_*)',
  })
  @ApiProduces('text/plain')
  async prometheus(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.contentType);
    return this.metrics.scrape();
  }
}
