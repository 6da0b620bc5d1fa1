import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IdSchema } from '../dtos/common.dto';
import { HomeQuerySchema, type HomeQuery } from '../dtos/project.dto';
import { DlqQuerySchema, type DlqQuery } from '../dtos/dlq.dto';
import type { Principal } from '@iw/people';
import type { AuthedRequest } from '../middleware/http-types';
import { Auth, Req, Requires, TokenLogin } from '../middleware/public.decorator';
import { ZodPipe } from '../middleware/zod.pipe';
import { DashboardService } from '../services/dashboard.service';
import { DASHBOARD_JS } from '../views/dashboard-script';

const HTML = 'text/html; charset=utf-8';

/** The dashboard (HTML). Each page accepts `?token=` once and then runs on an HttpOnly cookie. */
@ApiExcludeController()
@TokenLogin()
@Requires('read')
@Controller()
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @Header('Content-Type', HTML)
  home(@Auth() p: Principal, @Query(new ZodPipe(HomeQuerySchema)) q: HomeQuery): Promise<string> {
    return this.dashboard.home(p, q);
  }

  @Get('projects/:id')
  @Header('Content-Type', HTML)
  project(@Auth() p: Principal, @Param('id', new ZodPipe(IdSchema)) id: string): Promise<string> {
    return this.dashboard.project(p, id);
  }

  @Get('indicators/:id')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  indicator(
    @Auth() p: Principal,
    @Req() req: AuthedRequest,
    @Param('id', new ZodPipe(IdSchema)) id: string,
    @Query() q: Record<string, unknown>,
  ): Promise<string> {
    return this.dashboard.indicator(p, req.csrf ?? null, id, {
      done: typeof q.done === 'string' ? q.done : undefined,
    });
  }

  @Requires('ops')
  @Get('ops')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  opsFigures(): Promise<string> {
    return this.dashboard.opsFigures();
  }

  @Requires('ops')
  @Get('dlq')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  dlq(@Query(new ZodPipe(DlqQuerySchema)) q: DlqQuery): Promise<string> {
    return this.dashboard.dlq(q);
  }

  @Requires('mail')
  @Get('mail')
  @Header('Content-Type', HTML)
  mails(): Promise<string> {
    return this.dashboard.mails();
  }

  @Requires('mail')
  @Get('mail/:file')
  @Header('Content-Type', HTML)
  mail(@Param('file', new ZodPipe(IdSchema)) file: string): Promise<string> {
    return this.dashboard.mailMessage(file);
  }

  @Get('assets/dashboard.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  script(): string {
    return DASHBOARD_JS;
  }
}
