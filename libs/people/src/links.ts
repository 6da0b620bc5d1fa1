import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Personal sign-in links: `<payload>.<signature>`, both base64url. The payload names the
 * recipient and says when the link was issued and when it expires; the signature is an
 * HMAC-SHA256 over it with the server's link secret (IW_LINK_SECRET, or one generated once and
 * kept in MongoDB). Nothing is stored per link: a link is refused when it was altered, has
 * expired, names nobody known, or was issued before the person's links were revoked.
 * Times are wall-clock epoch ms (a replay's simulated clock must not expire links in seconds).
 */

export interface LinkClaims {
  /** The recipient, lower case. */
  email: string;
  issuedAt: number;
  expiresAt: number;
}

export type LinkRefusal = 'malformed' | 'signature' | 'expired' | 'unknown' | 'revoked';

export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: LinkRefusal };

/** What the refusal page says, in Chinese. */
export const LINK_REFUSALS: Readonly<Record<LinkRefusal, string>> = {
  malformed: '登录链接不完整或格式不正确（可能在复制时被截断）。',
  signature: '登录链接无效：链接内容已被修改。',
  expired: '登录链接已过期。',
  unknown: '该登录链接对应的人员不在名单中，或已被移除。',
  revoked: '该登录链接已被撤销。',
};

const PURPOSE = 'iw-link.v1.';
/** Far above a real token (~150 characters); bounds the work done on garbage. */
const MAX_TOKEN_LENGTH = 1000;

export function signLink(secret: Buffer, claims: LinkClaims): string {
  const payload = Buffer.from(
    JSON.stringify({ e: claims.email, i: Math.floor(claims.issuedAt), x: Math.floor(claims.expiresAt) }),
    'utf8',
  ).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** Checks a link's form, signature and expiry at wall-clock `now`; who it names is checked by the caller. */
export function verifyLink(secret: Buffer, token: string, now: number): LinkCheck {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(m[2], 'base64url');
  const expected = mac(secret, m[1]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const b = body as { e?: unknown; i?: unknown; x?: unknown };
  if (typeof b.e !== 'string' || !Number.isSafeInteger(b.i) || !Number.isSafeInteger(b.x))
    return { ok: false, reason: 'malformed' };
  if ((b.x as number) <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { email: b.e, issuedAt: b.i as number, expiresAt: b.x as number } };
}

/** A purpose-bound HMAC with the same secret: CSRF tokens, sign-in form tokens. */
export function keyedDigest(secret: Buffer, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`iw-${purpose}.v1.`).update(value).digest('base64url');
}

/** Constant-time equality of two strings (false for different lengths or non-strings). */
export function sameSecret(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function mac(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(PURPOSE).update(payload).digest();
}

/**
 * A path inside this site to go to after signing in, or '/' when `next` is anything else
 * (another origin, a protocol-relative `//host`, a backslash trick, control characters).
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  return next;
}

/** The URL of a personal link: opens a session, then goes to `next` (a path of this site). */
export function personalLinkUrl(publicUrl: string, token: string, next: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  const path = safeNext(next);
  return `${base}/signin/${token}${path === '/' ? '' : `?next=${encodeURIComponent(path)}`}`;
}

/** A signer bound to a secret, a lifetime and a wall clock: `(email, next) → URL`. */
export function linkSigner(o: {
  secret: Buffer;
  publicUrl: string;
  ttlMs: number;
  now: () => number;
}): (email: string, next: string) => string {
  return (email, next) => {
    const issuedAt = o.now();
    const token = signLink(o.secret, { email: email.trim().toLowerCase(), issuedAt, expiresAt: issuedAt + o.ttlMs });
    return personalLinkUrl(o.publicUrl, token, next);
  };
}
