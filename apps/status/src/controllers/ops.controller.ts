import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { HttpResponse as Response } from '../middleware/http-types';
import { openApi } from '../dtos/openapi';
import { Requires } from '../middleware/public.decorator';
import { OpsStatusSchema, type OpsStatus } from '../dtos/status.dto';
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
