import { Body, Controller, Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { z } from 'zod';
import { safeNext, type Principal } from '@iw/people';
import { IdSchema } from '../dtos/common.dto';
import { DeviationBodySchema } from '../dtos/indicator.dto';
import { ReportBodySchema } from '../dtos/report.dto';
import type { AuthedRequest, HttpResponse as Response } from '../middleware/http-types';
import { Auth, Req, Requires } from '../middleware/public.decorator';
import { ZodPipe } from '../middleware/zod.pipe';
import { ActionsService } from '../services/actions.service';
import { PeoplePagesService, type PageQuery } from '../services/people-pages.service';

const HTML = 'text/html; charset=utf-8';

const PageQuerySchema = z
  .object({
    project: z.string().max(300).optional(),
    status: z.string().max(30).optional(),
    owner: z.string().max(300).optional(),
    done: z.string().max(20).optional(),
    n: z.string().max(10).optional(),
    skipped: z.string().max(10).optional(),
  })
  .loose();

/** Form fields every action form carries: the CSRF token (checked by the guard) and where to go back to. */
const formBase = { _csrf: z.string().max(200).optional(), back: z.string().max(2000).optional() };
const AckForm = z.object(formBase);
const SilenceForm = z.object({ ...formBase, until: z.string().trim().min(1, '请选择静默截止日期').max(40) });
const BulkForm = z.object({ ...formBase, ids: z.union([IdSchema, z.array(IdSchema).max(500)]).optional() });
const ReportForm = ReportBodySchema.extend(formBase);
const DeviationForm = DeviationBodySchema.omit({ by: true }).extend(formBase);

/** Back to the page the form was on, with a fixed message code. */
function backTo(back: string | undefined, fallback: string, done: Record<string, string | number>): string {
  const path = safeNext(back ?? fallback);
  const u = new URL(path, 'http://x');
  for (const [k, v] of Object.entries(done)) u.searchParams.set(k, String(v));
  return `${u.pathname}${u.search}`;
}

/**
 * The people's HTML pages and forms: 告警 (filters, bulk 确认), an alert's 确认 page, and the
 * actions of the indicator page. Forms POST here and are redirected back (303): a GET never
 * changes anything.
 */
@ApiExcludeController()
@Controller()
export class PeoplePagesController {
  constructor(
    private readonly pages: PeoplePagesService,
    private readonly actions: ActionsService,
  ) {}

  @Requires('read')
  @Get('alerts')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  alerts(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Query(new ZodPipe(PageQuerySchema)) q: PageQuery,
  ): Promise<string> {
    return this.pages.alerts(p, req.csrf ?? null, q);
  }

  @Requires('read')
  @Get('alerts/:id')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  alert(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Query(new ZodPipe(PageQuerySchema)) q: PageQuery,
  ): Promise<string> {
    return this.pages.alert(p, req.csrf ?? null, id, q);
  }

  @Requires('act')
  @Post('alerts/ack')
  async bulkAck(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Body(new ZodPipe(BulkForm)) body: z.output<typeof BulkForm>,
    @Res() res: Response,
  ): Promise<void> {
    const ids = body.ids === undefined ? [] : Array.isArray(body.ids) ? body.ids : [body.ids];
    const r = await this.actions.acknowledgeMany(p, ids, req);
    res.redirect(
      303,
      backTo(body.back, '/alerts', { done: 'bulk', n: r.acknowledged.length, skipped: r.skipped.length }),
    );
  }

  @Requires('act')
  @Post('alerts/:id/ack')
  async ack(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(AckForm)) body: z.output<typeof AckForm>,
    @Res() res: Response,
  ): Promise<void> {
    await this.actions.acknowledge(p, id, {}, req);
    res.redirect(303, backTo(body.back, `/alerts/${encodeURIComponent(id)}`, { done: 'ack' }));
  }

  @Requires('act')
  @Post('alerts/:id/silence')
  async silence(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(SilenceForm)) body: z.output<typeof SilenceForm>,
    @Res() res: Response,
  ): Promise<void> {
    await this.actions.silence(p, id, { until: body.until }, req);
    res.redirect(303, backTo(body.back, `/alerts/${encodeURIComponent(id)}`, { done: 'silence' }));
  }

  @Requires('act')
  @Post('alerts/:id/unsilence')
  async unsilence(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(AckForm)) body: z.output<typeof AckForm>,
    @Res() res: Response,
  ): Promise<void> {
    await this.actions.unsilence(p, id, {}, req);
    res.redirect(303, backTo(body.back, `/alerts/${encodeURIComponent(id)}`, { done: 'unsilence' }));
  }

  @Requires('act')
  @Post('indicators/:id/report')
  async report(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(ReportForm)) body: z.output<typeof ReportForm>,
    @Res() res: Response,
  ): Promise<void> {
    const { _csrf: _c, back, ...report } = body;
    await this.actions.report(p, id, report, req);
    res.redirect(303, backTo(back, `/indicators/${encodeURIComponent(id)}`, { done: 'report' }));
  }

  @Requires('act')
  @Post('indicators/:id/deviation')
  async deviation(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Body(new ZodPipe(DeviationForm)) body: z.output<typeof DeviationForm>,
    @Res() res: Response,
  ): Promise<void> {
    const { _csrf: _c, back, ...deviation } = body;
    await this.actions.deviation(p, id, deviation, req);
    res.redirect(303, backTo(back, `/indicators/${encodeURIComponent(id)}`, { done: 'deviation' }));
  }
}
