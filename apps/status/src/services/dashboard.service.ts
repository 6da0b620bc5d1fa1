import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { localDate } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { MailFolder } from '../repositories/mail-folder';
import { APP_CONFIG } from '../tokens';
import { homePage, indicatorPage, mailMessagePage, mailPage, projectPage } from '../views/pages';
import { IndicatorsService } from './indicators.service';
import { OpsStatusService } from './ops-status.service';
import { ProjectsService } from './projects.service';
import { TrackingService } from './tracking.service';

/** The dashboard's pages, rendered on the server from the same services the API uses. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly projects: ProjectsService,
    private readonly indicators: IndicatorsService,
    private readonly ops: OpsStatusService,
    private readonly tracking: TrackingService,
    private readonly mail: MailFolder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async home(): Promise<string> {
    const [projects, ops] = await Promise.all([
      this.projects.list(),
      this.ops.status().then(
        (s) => ({ s, e: null }),
        (e: Error) => ({ s: null, e: e.message }),
      ),
    ]);
    return homePage(projects, ops.s, ops.e);
  }

  async project(id: string): Promise<string> {
    return projectPage(await this.projects.get(id));
  }

  async indicator(id: string): Promise<string> {
    const d = await this.indicators.get(id);
    return indicatorPage(d, localDate(this.tracking.now(), this.config.timeZone));
  }

  async mails(): Promise<string> {
    return mailPage(this.mail.dir, await this.mail.list());
  }

  async mailMessage(file: string): Promise<string> {
    const m = await this.mail.read(file);
    if (!m) throw new NotFoundException(`no mail ${file}`);
    return mailMessagePage(m.entry, m.text);
  }
}
