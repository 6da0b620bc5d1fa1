import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Permission, Principal } from '@iw/people';
import type { AuthedRequest } from './http-types';

export const IS_PUBLIC = 'iw:public';
/** A route served without signing in (/health/*, the sign-in page and links). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const TOKEN_LOGIN = 'iw:token-login';
/**
 * An HTML page that accepts `?token=` once: the token is checked, stored in an HttpOnly
 * cookie, and the page redirects to itself without it (so it leaves the address bar).
 */
export const TokenLogin = () => SetMetadata(TOKEN_LOGIN, true);

export const REQUIRES = 'iw:requires';
/**
 * The permission a route needs at all (libs/people `mayEver`): `read`, `act`, `audit`,
 * `people`, `ops` or `mail`. Which agency or indicator it is asked about is checked in the
 * service (AccessService). A route that declares none is served to admins only.
 */
export const Requires = (permission: Permission) => SetMetadata(REQUIRES, permission);

/** The signed-in person or token of the request (set by the auth guard). */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!p) throw new Error('no principal on a guarded route');
  return p;
});

/** The request itself (address, user agent) for the audit log. */
export const Req = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthedRequest =>
  ctx.switchToHttp().getRequest<AuthedRequest>(),
);
