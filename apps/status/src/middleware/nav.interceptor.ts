import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { mayEver } from '@iw/people';
import { NAV_MARK } from '../views/layout';
import { navBar } from '../views/people';
import type { AuthedRequest } from './http-types';

/** Fills a page's header with the signed-in person's links and name (every HTML page has the mark). */
export function withNav(body: string, req: AuthedRequest): string {
  if (!body.includes(NAV_MARK)) return body;
  const p = req.principal ?? null;
  return body.replace(NAV_MARK, navBar(p, req.csrf ?? null, p !== null && mayEver(p, 'mail').ok));
}

@Injectable()
export class NavInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    return next.handle().pipe(map((body: unknown) => (typeof body === 'string' ? withNav(body, req) : body)));
  }
}
