import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IdSchema } from '../dtos/common.dto';
import { TokenLogin } from '../middleware/public.decorator';
import { ZodPipe } from '../middleware/zod.pipe';
import { DashboardService } from '../services/dashboard.service';
import { DASHBOARD_JS } from '../views/dashboard-script';

const HTML = 'text/html; charset=utf-8';

/** The dashboard (HTML). Each page accepts `?token=` once and then runs on an HttpOnly cookie. */
@ApiExcludeController()
@TokenLogin()
@Controller()
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @Header('Content-Type', HTML)
  home(): Promise<string> {
    return this.dashboard.home();
  }

  @Get('projects/:id')
  @Header('Content-Type', HTML)
  project(@Param('id', new ZodPipe(IdSchema)) id: string): Promise<string> {
    return this.dashboard.project(id);
  }

  @Get('indicators/:id')
  @Header('Content-Type', HTML)
  indicator(@Param('id', new ZodPipe(IdSchema)) id: string): Promise<string> {
    return this.dashboard.indicator(id);
  }

  @Get('mail')
  @Header('Content-Type', HTML)
  mails(): Promise<string> {
    return this.dashboard.mails();
  }

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
