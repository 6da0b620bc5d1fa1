import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '@iw/people';

/**
 * The parts of Express's request and response this app uses (@types/express is not installed;
 * Nest's platform-express hands us Express 5 objects at run time).
 */
export interface HttpRequest {
  method: string;
  path: string;
  originalUrl: string;
  secure: boolean;
  headers: IncomingHttpHeaders;
  query?: Record<string, unknown>;
  body?: unknown;
  ip?: string;
}

/** A request after the auth guard: who is asking, and (for a session) its CSRF token. */
export interface AuthedRequest extends HttpRequest {
  principal?: Principal | null;
  /** The CSRF token of the request's session, for forms. */
  csrf?: string | null;
}

export interface CookieOptions {
  httpOnly?: boolean;
  sameSite?: 'strict' | 'lax';
  path?: string;
  maxAge?: number;
  secure?: boolean;
}

export interface HttpResponse {
  headersSent: boolean;
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  cookie(name: string, value: string, options: CookieOptions): unknown;
  clearCookie(name: string, options: CookieOptions): unknown;
  redirect(status: number, url: string): void;
  status(code: number): HttpResponse;
  json(body: unknown): unknown;
  send(body: unknown): unknown;
  type(contentType: string): unknown;
}

export type NextFn = (err?: unknown) => void;
