/**
 * SMTP_URL → connection settings: `smtp://user:pass@host:port` (STARTTLS when offered),
 * `smtps://…` (TLS from the start). Query options, for what SMTP_URL alone must be able to say:
 * `requireTLS=true` (refuse to send without STARTTLS), `ignoreTLS=true` (never STARTTLS),
 * `rejectUnauthorized=false` (accept a self-signed certificate).
 */

export interface SmtpEndpoint {
  secure: boolean;
  host: string;
  port: number;
  auth?: { user: string; pass: string };
  requireTls: boolean;
  ignoreTls: boolean;
  rejectUnauthorized: boolean;
}

export class SmtpUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmtpUrlError';
  }
}

function flag(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = params.get(name);
  if (v === null) return fallback;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new SmtpUrlError(`SMTP_URL: ${name}=${v} is not true/false`);
}

export function parseSmtpUrl(url: string): SmtpEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SmtpUrlError(`SMTP_URL: not a URL (${redactSmtpUrl(url)})`);
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new SmtpUrlError(`SMTP_URL: must start with smtp:// or smtps:// (${redactSmtpUrl(url)})`);
  if (!u.hostname) throw new SmtpUrlError('SMTP_URL: no host');
  const secure = u.protocol === 'smtps:';
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  return {
    secure,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(user ? { auth: { user, pass } } : {}),
    requireTls: flag(u.searchParams, 'requireTLS', false),
    ignoreTls: flag(u.searchParams, 'ignoreTLS', false),
    rejectUnauthorized: flag(u.searchParams, 'rejectUnauthorized', true),
  };
}

/** The URL with its password replaced, fit for logs. */
export function redactSmtpUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
