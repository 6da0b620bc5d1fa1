import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { SystemClock, parseClockSpec, type Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { KafkaModule } from '@iw/kafka';
import { AgenciesController } from './controllers/agencies.controller';
import { AlertsController } from './controllers/alerts.controller';
import { AuditController } from './controllers/audit.controller';
import { PeopleController } from './controllers/people.controller';
import { PeoplePagesController } from './controllers/people-pages.controller';
import { SignInController } from './controllers/signin.controller';
import { DashboardController } from './controllers/dashboard.controller';
import { HealthController } from './controllers/health.controller';
import { IndicatorsController } from './controllers/indicators.controller';
import { OpsController } from './controllers/ops.controller';
import { DlqService } from './services/dlq.service';
import { ProjectsController } from './controllers/projects.controller';
import { ApiTokens } from './middleware/api-tokens';
import { AuthGuard } from './middleware/auth.guard';
import { ErrorsFilter } from './middleware/errors.filter';
import { NavInterceptor } from './middleware/nav.interceptor';
import { PlainInputPipe } from './middleware/zod.pipe';
import { KafkaAdminHandle } from './adapters/kafka-admin-handle';
import { MailFolder } from './adapters/mail-folder';
import { MongoHandle } from './adapters/mongo-handle';
import { ProgressFeed } from './adapters/progress-feed';
import { ReportPublisher } from './adapters/report-publisher';
import { Store } from './adapters/store';
import { AccessService } from './services/access.service';
import { ActionsService } from './services/actions.service';
import { AlertsService } from './services/alerts.service';
import { AuditService } from './services/audit.service';
import { DashboardService } from './services/dashboard.service';
import { HealthLogger } from './services/health-logger';
import { HealthService } from './services/health.service';
import { IndicatorsService } from './services/indicators.service';
import { MetricsService } from './services/metrics.service';
import { OpsStatusService } from './services/ops-status.service';
import { PeoplePagesService } from './services/people-pages.service';
import { PeopleService } from './services/people.service';
import { SessionsService } from './services/sessions.service';
import { SignInService } from './services/signin.service';
import { ProjectsService } from './services/projects.service';
import { ReportService } from './services/report.service';
import { RollUpService } from './services/roll-up.service';
import { TrackingService } from './services/tracking.service';
import { APP_CONFIG, CLOCK, REAL_CLOCK } from './tokens';

export { APP_CONFIG, CLOCK, REAL_CLOCK };

export interface StatusModuleOptions {
  /** Domain clock; IW_CLOCK (config.clock) when absent. Tests pin time with a FixedClock. */
  clock?: Clock;
}

/**
 * The status service: HTTP only — health, /status, /metrics, the API (/api, OpenAPI at
 * /api/docs) and the dashboard. It reads MongoDB and asks Kafka (admin) for consumer lag; it
 * starts without either (and says so on /health/ready) so ops can see what is down.
 * Refuses to start without IW_API_TOKENS (machine tokens, each with a scope); people sign in
 * with personal links (SessionsService) and are authorized by libs/people's rules.
 */
@Module({})
export class StatusModule {
  static register(config: AppConfig, options: StatusModuleOptions = {}): DynamicModule {
    const tokens = new ApiTokens(config.http.apiTokens);
    return {
      module: StatusModule,
      imports: [
        KafkaModule.forRoot(config.kafka),
        TerminusModule.forRoot({ errorLogStyle: 'json', logger: HealthLogger, gracefulShutdownTimeoutMs: 0 }),
      ],
      controllers: [
        HealthController,
        OpsController,
        ProjectsController,
        AgenciesController,
        IndicatorsController,
        AlertsController,
        AuditController,
        PeopleController,
        DashboardController,
        PeoplePagesController,
        SignInController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useFactory: () => options.clock ?? parseClockSpec(config.clock) },
        { provide: REAL_CLOCK, useValue: new SystemClock() },
        { provide: ApiTokens, useValue: tokens },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useClass: PlainInputPipe },
        { provide: APP_FILTER, useClass: ErrorsFilter },
        { provide: APP_INTERCEPTOR, useClass: NavInterceptor },
        MongoHandle,
        KafkaAdminHandle,
        Store,
        MailFolder,
        TrackingService,
        ProgressFeed,
        RollUpService,
        OpsStatusService,
        DlqService,
        MetricsService,
        HealthService,
        ProjectsService,
        IndicatorsService,
        AlertsService,
        ReportService,
        DashboardService,
        ReportPublisher,
        PeopleService,
        SessionsService,
        AccessService,
        AuditService,
        ActionsService,
        PeoplePagesService,
        SignInService,
      ],
      exports: [APP_CONFIG, ApiTokens, SessionsService],
    };
  }
}
