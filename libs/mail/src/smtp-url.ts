import * as fs from 'node:fs';

/**
 * SMTP_URL → connection settings: `smtp://user:pass@host:port` (STARTTLS when offered),
 * `smtps://…` (TLS from the start). Query options, for what SMTP_URL alone must be able to say:
 * `requireTLS=true` (refuse to send without STARTTLS), `ignoreTLS=true` (never STARTTLS),
 * `rejectUnauthorized=false` (accept any certificate), `caFile=/path/ca.pem` (trust this CA too: a
 * server with a private or self-signed certificate, verification kept on). Unknown options are refused.
 */

export interface SmtpEndpoint {
  secure: boolean;
  host: string;
  port: number;
  auth?: { user: string; pass: string };
  requireTls: boolean;
  ignoreTls: boolean;
  rejectUnauthorized: boolean;
  /** PEM read from `caFile`. */
  ca?: string;
}

const OPTIONS = ['requireTLS', 'ignoreTLS', 'rejectUnauthorized', 'caFile'];

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
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
    throw new SmtpUrlError(`SMTP_URL: must start with smtp:// or smtps:// (${redactSmtpUrl(url)})`);
  if (!u.hostname) throw new SmtpUrlError('SMTP_URL: no host');
  const secure = u.protocol === 'smtps:';
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  for (const name of u.searchParams.keys()) {
    if (!OPTIONS.includes(name))
      throw new SmtpUrlError(`SMTP_URL: unknown option ${name} (known: ${OPTIONS.join(', ')})`);
  }
  const requireTls = flag(u.searchParams, 'requireTLS', false);
  const ignoreTls = flag(u.searchParams, 'ignoreTLS', false);
  if (requireTls && ignoreTls) throw new SmtpUrlError('SMTP_URL: requireTLS and ignoreTLS contradict each other');
  if (secure && ignoreTls)
    throw new SmtpUrlError('SMTP_URL: ignoreTLS with smtps:// (TLS from the start) makes no sense; use smtp://');
  const caFile = u.searchParams.get('caFile');
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  return {
    secure,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(user ? { auth: { user, pass } } : {}),
    requireTls,
    ignoreTls,
    rejectUnauthorized: flag(u.searchParams, 'rejectUnauthorized', true),
    ...(caFile !== null ? { ca: readCa(caFile) } : {}),
  };
}

function readCa(file: string): string {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SmtpUrlError(
      `SMTP_URL: caFile=${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new SmtpUrlError(`SMTP_URL: caFile=${file}: not a PEM certificate`);
  return pem;
}

/** The URL with its password replaced, fit for logs. */
export function redactSmtpUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
