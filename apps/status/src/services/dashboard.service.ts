import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { localDate } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { homePage, projectAgency, type Principal } from '@iw/people';
import { listProjects } from '@iw/report';
import type { HomeQuery } from '../dtos/project.dto';
import { MailFolder } from '../adapters/mail-folder';
import { APP_CONFIG } from '../tokens';
import {
  agenciesPage,
  agencyPage,
  indicatorPage,
  mailMessagePage,
  mailPage,
  opsPage,
  projectPage,
} from '../views/pages';
import type { DlqQuery } from '../dtos/dlq.dto';
import { dlqPage } from '../views/dlq';
import { AccessService } from './access.service';
import { DlqService } from './dlq.service';
import { IndicatorsService } from './indicators.service';
import { PeoplePagesService, type PageQuery } from './people-pages.service';
import { OpsStatusService } from './ops-status.service';
import { ProjectsService } from './projects.service';
import { TrackingService } from './tracking.service';
import { indicatorDetail } from './views';

/** The dashboard's pages, rendered on the server from the same services the API uses. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly projects: ProjectsService,
    private readonly indicators: IndicatorsService,
    private readonly ops: OpsStatusService,
    private readonly tracking: TrackingService,
    private readonly mail: MailFolder,
    private readonly access: AccessService,
    private readonly peoplePages: PeoplePagesService,
    private readonly dlqs: DlqService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The office's view. Someone who reads several agencies (the finance department, admins,
   * machine tokens) gets the roll-up of agencies; a person of one agency, or anyone asking
   * `?agency=`, that agency's project list (another agency's: 403; an unknown one: 404).
   */
  async home(p: Principal, q: HomeQuery): Promise<string> {
    const [list, readable] = await Promise.all([this.projects.list(q.year), this.access.readable(p)]);
    const mine = list.projects.filter((x) => readable(x.id));
    const home = homePage(p);
    const rollUp = home.kind === 'roll-up';
    const agency = q.agency ?? (home.kind === 'agency' ? home.agency : undefined);
    const tolerance = this.tracking.riskConfig.paceTolerance;
    if (agency === undefined) return agenciesPage(this.projects.agencies(list, mine), q.year, tolerance);
    if (q.agency !== undefined) {
      this.access.check(p, 'read', { agency });
      await this.access.knownAgency(agency);
    }
    const theirs = mine.filter((x) => projectAgency(x) === agency);
    return agencyPage({
      agency,
      fiscalYear: list.fiscalYear,
      timeElapsed: theirs[0]?.timeElapsed ?? null,
      summary: this.projects.agencies(list, theirs).agencies[0] ?? null,
      projects: listProjects(
        theirs.map((x) => ({ ...x, fundsTotal: x.funds.total })),
        { sort: q.sort ?? 'risk', risk: q.risk ?? null },
      ),
      total: theirs.length,
      query: q,
      rollUp,
      tolerance,
    });
  }

  /** The pipeline's figures (ops permission, checked by the route). */
  async opsFigures(): Promise<string> {
    const ops = await this.ops.status().then(
      (s) => ({ s, e: null }),
      (e: Error) => ({ s: null, e: e.message }),
    );
    return opsPage(ops.s, ops.e);
  }

  async project(p: Principal, id: string): Promise<string> {
    await this.access.project(p, 'read', id);
    return projectPage(await this.projects.get(id));
  }

  async indicator(p: Principal, csrf: string | null, id: string, q: PageQuery): Promise<string> {
    await this.access.unit(p, 'read', id);
    // One judgement of the indicator for the page and its people's sections.
    const state = await this.tracking.indicator(id);
    if (!state) throw new NotFoundException(`指标未纳入监控：${id}`);
    const d = indicatorDetail(state, this.tracking.now());
    const sections = await this.peoplePages.indicatorSections(p, csrf, d, q, state);
    return indicatorPage(d, localDate(this.tracking.now(), this.config.timeZone), sections);
  }

  async dlq(q: DlqQuery): Promise<string> {
    return dlqPage(await this.dlqs.list(q), q, this.config.timeZone);
  }

  /** /mail exists only while mail goes to the local catcher (SMTP_URL on loopback, IW_MAIL_SINK on). */
  private localMailOnly(): void {
    if (!this.mail.inUse)
      throw new NotFoundException('本部署的邮件发往邮件服务器（SMTP_URL），没有本地邮件可看；请在收件人的邮箱中查看');
  }

  async mails(): Promise<string> {
    this.localMailOnly();
    return mailPage(this.mail.dir, await this.mail.list());
  }

  async mailMessage(file: string): Promise<string> {
    this.localMailOnly();
    const m = await this.mail.read(file);
    if (!m) throw new NotFoundException(`找不到邮件：${file}`);
    return mailMessagePage(m.entry, m.text);
  }
}
