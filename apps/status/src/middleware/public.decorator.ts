import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'iw:public';
/** A route served without a token (only /health/*). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const TOKEN_LOGIN = 'iw:token-login';
/**
 * An HTML page that accepts `?token=` once: the token is checked, stored in an HttpOnly
 * cookie, and the page redirects to itself without it (so it leaves the address bar).
 */
export const TokenLogin = () => SetMetadata(TOKEN_LOGIN, true);
