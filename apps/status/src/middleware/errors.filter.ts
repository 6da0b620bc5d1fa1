import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
} from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import { APP_CONFIG } from '../tokens';
import type { AuthedRequest, HttpResponse as Response } from './http-types';
import { errorPage } from '../views/people';
import { localMailOf, withNav } from './nav.interceptor';
import { AlertActionError } from '@iw/alerts';
import { AlertNotFoundError } from '@iw/mongo';
import { ReportDateError } from '@iw/report';
import { RedirectTo } from './auth.guard';

/**
 * Maps what services throw onto HTTP: Nest's own exceptions as they are, domain refusals to
 * 400/404/409, a MongoDB or Kafka that does not answer to 503 — and anything else to a 500
 * whose details stay in the log.
 */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');
  private readonly localMail: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.localMail = localMailOf(config);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof RedirectTo) return res.redirect(303, exception.url);
    const [status, body] = this.map(exception);
    const req = host.switchToHttp().getRequest<AuthedRequest>();
    if (req && isPage(req)) {
      const m = (body as { message?: unknown })?.message;
      const messages = (Array.isArray(m) ? m : [m ?? '']).map(String);
      res.status(status).type('text/html; charset=utf-8');
      res.send(withNav(errorPage(status, messages, req.originalUrl), req, this.localMail));
      return;
    }
    res.status(status).json(body);
  }

  private map(e: unknown): [number, unknown] {
    if (e instanceof HttpException) {
      const r = e.getResponse();
      return [e.getStatus(), typeof r === 'string' ? { statusCode: e.getStatus(), message: r } : r];
    }
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof AlertNotFoundError) return [404, { statusCode: 404, error: 'Not Found', message }];
    if (e instanceof AlertActionError) return [409, { statusCode: 409, error: 'Conflict', message }];
    if (e instanceof ReportDateError) return [400, { statusCode: 400, error: 'Bad Request', message }];
    if (isUnavailable(e)) return [503, { statusCode: 503, error: 'Service Unavailable', message }];
    this.logger.error(e instanceof Error ? (e.stack ?? message) : message);
    return [
      HttpStatus.INTERNAL_SERVER_ERROR,
      { statusCode: 500, error: 'Internal Server Error', message: 'internal error (see the status app log)' },
    ];
  }
}

/** The dashboard's HTML routes (everything but the API, /status, /metrics, /health and assets): errors as pages. */
function isPage(req: AuthedRequest): boolean {
  return (
    (req.method === 'GET' || req.method === 'POST' || req.method === 'HEAD') &&
    !/^\/(api|status|metrics|health|assets)(\/|$)/.test(req.path ?? '')
  );
}

function isUnavailable(e: unknown): boolean {
  const name = (e as { name?: string })?.name ?? '';
  return (
    /MongoServerSelectionError|MongoNetworkError|MongoNotConnectedError|MongoTopologyClosedError|KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded/.test(
      name,
    ) || /did not answer/.test((e as Error)?.message ?? '')
  );
}
