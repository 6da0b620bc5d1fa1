import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { HttpRequest as Request, HttpResponse as Response, NextFn as NextFunction } from './middleware/http-types';
import type { AppConfig } from '@iw/config';
import { appLogger } from '@iw/logging';
import { ApiTokens } from './middleware/api-tokens';
import { docsAuth } from './middleware/auth.guard';
import { completeDocument } from './dtos/openapi';
import { answerClientErrors } from './middleware/client-errors';
import { SessionsService } from './services/sessions.service';
import { VERSION } from './services/ops-status.service';
import { StatusModule, type StatusModuleOptions } from './status.module';

/** Pages may load their own script and styles only: an injected <script> would not run even if escaping failed. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface CreateStatusAppOptions extends StatusModuleOptions {
  logger?: LogLevel[] | false;
}

/** The status app, configured (guards, docs, headers) but not listening: main.ts and tests share it. */
export async function createStatusApp(
  config: AppConfig,
  options: CreateStatusAppOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(StatusModule.register(config, options), {
    logger: appLogger(options.logger ?? ['error', 'warn', 'log']),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  answerClientErrors(app.getHttpServer());
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!req.path.startsWith('/api/docs')) res.setHeader('Content-Security-Policy', CSP);
    next();
  });
  app.use(docsAuth(app.get(ApiTokens), app.get(SessionsService)));
  const doc = completeDocument(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Indicator Watch — status API')
        .setDescription(
          '绩效运行监控: projects, indicators, alerts, 填报, the audit log and the 绩效监控表. Every route but /health/* and sign-in needs a bearer token (IW_API_TOKENS, each with a scope: read, write, admin) or a signed-in session (personal link; changes then need the X-CSRF-Token header). A person sees only their agency; 403 otherwise.',
        )
        .setVersion(VERSION)
        .addBearerAuth()
        .build(),
    ),
  );
  SwaggerModule.setup('api/docs', app, doc, {
    jsonDocumentUrl: 'api/docs/openapi.json',
    yamlDocumentUrl: 'api/docs/openapi.yaml',
  });
  return app;
}
