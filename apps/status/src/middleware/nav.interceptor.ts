import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import type { AppConfig } from '@iw/config';
import { localCatcherOf } from '@iw/mail';
import { mayEver } from '@iw/people';
import { APP_CONFIG } from '../tokens';
import { NAV_MARK } from '../views/layout';
import { navBar } from '../views/people';
import type { AuthedRequest } from './http-types';

/**
 * Fills a page's header with the signed-in person's links and name (every HTML page has the
 * mark). 邮件 is there only while mail goes to the local catcher (`localMail`).
 */
export function withNav(body: string, req: AuthedRequest, localMail: boolean): string {
  if (!body.includes(NAV_MARK)) return body;
  const p = req.principal ?? null;
  return body.replace(NAV_MARK, navBar(p, req.csrf ?? null, localMail && p !== null && mayEver(p, 'mail').ok));
}

/** Whether this deployment's mail goes to the local catcher (so /mail has something to show). */
export const localMailOf = (config: AppConfig): boolean => localCatcherOf(config.smtp) !== null;

@Injectable()
export class NavInterceptor implements NestInterceptor {
  private readonly localMail: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.localMail = localMailOf(config);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    return next
      .handle()
      .pipe(map((body: unknown) => (typeof body === 'string' ? withNav(body, req, this.localMail) : body)));
  }
}
