import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HttpRequest as Request, HttpResponse as Response, NextFn as NextFunction } from './http-types';
import { ApiTokens } from './api-tokens';
import { IS_PUBLIC, TOKEN_LOGIN } from './public.decorator';

export const TOKEN_COOKIE = 'iw_token';
export const COOKIE_MAX_AGE_S = 12 * 3600;

/** Thrown once a `?token=` login succeeded: the errors filter answers 303 to the same URL without it. */
export class RedirectTo extends Error {
  constructor(readonly url: string) {
    super(`redirect to ${url}`);
    this.name = 'RedirectTo';
  }
}

/**
 * The one authentication rule: `Authorization: Bearer <token>`; or — for GET/HEAD only, so a
 * cookie can never authorise a change (no CSRF) — the HttpOnly cookie a login page set; or, on
 * a login page, `?token=` once (checked, stored in the cookie, then redirected away from the
 * address bar). Tokens are never logged or echoed.
 */
export function authenticate(req: Request, res: Response, tokens: ApiTokens, loginPage: boolean): void {
  res.setHeader('WWW-Authenticate', 'Bearer realm="indicator-watch"');
  const safe = req.method === 'GET' || req.method === 'HEAD';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) {
    if (tokens.accepts(bearer)) return;
    throw unauthorized();
  }
  const queryToken = typeof req.query?.token === 'string' ? req.query.token : undefined;
  if (safe && loginPage && queryToken !== undefined) {
    if (!tokens.accepts(queryToken)) throw unauthorized();
    res.cookie(TOKEN_COOKIE, queryToken, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: COOKIE_MAX_AGE_S * 1000,
      secure: req.secure,
    });
    throw new RedirectTo(withoutToken(req.originalUrl));
  }
  if (safe && tokens.accepts(cookie(req.headers.cookie, TOKEN_COOKIE))) return;
  throw unauthorized();
}

/** Global guard: every route but @Public ones (/health/*) needs a token. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiTokens) private readonly tokens: ApiTokens,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const http = context.switchToHttp();
    authenticate(
      http.getRequest<Request>(),
      http.getResponse<Response>(),
      this.tokens,
      !!this.reflector.getAllAndOverride<boolean>(TOKEN_LOGIN, targets),
    );
    return true;
  }
}

/** The same rule for routes Nest does not route (Swagger UI and its JSON under /api/docs). */
export function docsAuth(tokens: ApiTokens) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.path.startsWith('/api/docs')) return next();
    try {
      authenticate(req, res, tokens, true);
      next();
    } catch (e) {
      if (e instanceof RedirectTo) res.redirect(303, e.url);
      else res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: (e as Error).message });
    }
  };
}

function unauthorized(): UnauthorizedException {
  return new UnauthorizedException(
    'a valid token is required: send "Authorization: Bearer <token>", or open the dashboard once as /?token=<token>',
  );
}

function withoutToken(originalUrl: string): string {
  const u = new URL(originalUrl, 'http://x');
  u.searchParams.delete('token');
  return u.pathname + u.search;
}

/** One cookie's value from a Cookie header (no dependency for a few lines). */
export function cookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
