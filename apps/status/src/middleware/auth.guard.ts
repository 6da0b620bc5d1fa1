import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { mayEver, sameSecret, type Permission, type Principal } from '@iw/people';
import { SESSION_COOKIE, SessionsService, type SessionContext } from '../services/sessions.service';
import type { AuthedRequest, HttpResponse as Response, NextFn as NextFunction } from './http-types';
import { ApiTokens } from './api-tokens';
import { IS_PUBLIC, REQUIRES, TOKEN_LOGIN } from './public.decorator';

export const TOKEN_COOKIE = 'iw_token';
export const COOKIE_MAX_AGE_S = 12 * 3600;
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

/** Thrown once a `?token=` login succeeded: the errors filter answers 303 to the same URL without it. */
export class RedirectTo extends Error {
  constructor(readonly url: string) {
    super(`redirect to ${url}`);
    this.name = 'RedirectTo';
  }
}

const isSafe = (method: string) => method === 'GET' || method === 'HEAD';

/**
 * Who is asking. In this order:
 *  1. `Authorization: Bearer <token>`: a machine token (IW_API_TOKENS) or 401 — never falls through;
 *  2. the session cookie of a personal link (people);
 *  3. for GET/HEAD only, the HttpOnly cookie a `?token=` login set (a cookie token can never
 *     authorise a change);
 *  4. on a login page, `?token=` once: checked, stored in that cookie, redirected away.
 * Returns null when nobody is signed in. Tokens are never logged or echoed.
 */
export async function resolvePrincipal(
  req: AuthedRequest,
  res: Response,
  tokens: ApiTokens,
  sessions: SessionsService,
  loginPage: boolean,
): Promise<SessionContext | { principal: Principal; csrf: null } | null> {
  res.setHeader('WWW-Authenticate', 'Bearer realm="indicator-watch"');
  const safe = isSafe(req.method);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined || /^Bearer\s*$/i.test(req.headers.authorization ?? '')) {
    const t = tokens.match(bearer);
    if (t) return { principal: { kind: 'token', ...t }, csrf: null };
    throw unauthorized();
  }
  const session = await sessions.fromCookie(cookie(req.headers.cookie, SESSION_COOKIE));
  if (session) return session;
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
  if (safe) {
    const t = tokens.match(cookie(req.headers.cookie, TOKEN_COOKIE));
    if (t) return { principal: { kind: 'token', ...t }, csrf: null };
  }
  return null;
}

/** A change made with a session cookie must carry the session's CSRF token (header or form field). */
export function checkCsrf(req: AuthedRequest, expected: string | null): void {
  if (isSafe(req.method) || expected === null) return;
  const body = req.body as Record<string, unknown> | undefined;
  const given = req.headers[CSRF_HEADER] ?? (body && typeof body === 'object' ? body[CSRF_FIELD] : undefined);
  if (!sameSecret(given, expected))
    throw new ForbiddenException({
      statusCode: 403,
      error: 'Forbidden',
      message: '请求被拒绝：缺少或错误的 CSRF 校验码。请刷新页面后重新提交。',
    });
}

/**
 * Global guard: every route but @Public ones needs a signed-in person or a token, whose role or
 * scope may ever have the route's @Requires permission (403 otherwise); a change made with a
 * session also needs its CSRF token. What the person may do on which agency or indicator is
 * checked again in the services (AccessService).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Access');
  private readonly undeclared = new Set<string>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiTokens) private readonly tokens: ApiTokens,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const http = context.switchToHttp();
    const req = http.getRequest<AuthedRequest>();
    const res = http.getResponse<Response>();
    const isPublic = !!this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets);
    const loginPage = !!this.reflector.getAllAndOverride<boolean>(TOKEN_LOGIN, targets);
    let who: Awaited<ReturnType<typeof resolvePrincipal>>;
    try {
      who = await resolvePrincipal(req, res, this.tokens, this.sessions, loginPage);
    } catch (e) {
      if (isPublic && e instanceof UnauthorizedException) who = null;
      else throw e;
    }
    req.principal = who?.principal ?? null;
    req.csrf = who?.csrf ?? null;
    if (isPublic) {
      // Public forms (sign-in) check their own token; a signed-in visitor's changes still need theirs.
      if (who) checkCsrf(req, who.csrf);
      return true;
    }
    if (!who) throw unauthorized();
    checkCsrf(req, who.csrf);
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRES, targets);
    if (permission === undefined) {
      const name = `${context.getClass().name}.${context.getHandler().name}`;
      if (!this.undeclared.has(name)) {
        this.undeclared.add(name);
        this.logger.warn(`${name} declares no @Requires permission: served to admins only`);
      }
      const admin =
        (who.principal.kind === 'person' && who.principal.person.role === 'admin') ||
        (who.principal.kind === 'token' && who.principal.scope === 'admin');
      if (!admin) throw new ForbiddenException(forbidden('无权访问：此页面仅对管理员开放。'));
      return true;
    }
    const d = mayEver(who.principal, permission);
    if (!d.ok) throw new ForbiddenException(forbidden(d.message));
    return true;
  }
}

export function forbidden(message: string) {
  return { statusCode: 403, error: 'Forbidden', message };
}

/** The same rule for routes Nest does not route (Swagger UI and its JSON under /api/docs): anyone signed in. */
export function docsAuth(tokens: ApiTokens, sessions: SessionsService) {
  return (req: AuthedRequest, res: Response, next: NextFunction): void => {
    if (!req.path.startsWith('/api/docs')) return next();
    resolvePrincipal(req, res, tokens, sessions, true).then(
      (who) => {
        if (who) return next();
        res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: unauthorized().message });
      },
      (e: unknown) => {
        if (e instanceof RedirectTo) res.redirect(303, e.url);
        else if (e instanceof UnauthorizedException)
          res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: e.message });
        else next(e);
      },
    );
  };
}

export function unauthorized(): UnauthorizedException {
  return new UnauthorizedException(
    '请先登录：打开告警邮件中的个人链接，或在 /signin 获取登录链接；程序请发送 "Authorization: Bearer <token>"',
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
