import type { IncomingHttpHeaders } from 'node:http';

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
}

export interface HttpResponse {
  headersSent: boolean;
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  cookie(
    name: string,
    value: string,
    options: { httpOnly?: boolean; sameSite?: 'strict' | 'lax'; path?: string; maxAge?: number; secure?: boolean },
  ): unknown;
  redirect(status: number, url: string): void;
  status(code: number): HttpResponse;
  json(body: unknown): unknown;
  type(contentType: string): unknown;
}

export type NextFn = (err?: unknown) => void;
