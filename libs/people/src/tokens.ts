import { createHash } from 'node:crypto';

/**
 * Machine tokens (IW_API_TOKENS) for upstream systems and scripts, each with an explicit scope,
 * written `<scope>:<token>`:
 *   read  — every read: projects, indicators, alerts, reports, audit, /status, /metrics;
 *   write — read, plus acknowledging and silencing alerts, 填报 and 偏差原因 (through the API);
 *   admin — everything, including the people directory and the local mail catcher.
 * Tokens act across agencies; they are not people.
 */
export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface ScopedToken {
  scope: TokenScope;
  token: string;
  /** A short, non-secret name of the token for the audit log: `token:<scope>:<8 hex of its SHA-256>`. */
  id: string;
}

export class ApiTokensError extends Error {
  constructor(message: string) {
    super(`IW_API_TOKENS: ${message}`);
    this.name = 'ApiTokensError';
  }
}

export function tokenId(scope: TokenScope, token: string): string {
  return `token:${scope}:${createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 8)}`;
}

/** `read:abc,admin:def` (already split on commas) → scoped tokens; a token without a known scope is refused. */
export function parseApiTokens(entries: readonly string[]): ScopedToken[] {
  return entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const scope = colon > 0 ? entry.slice(0, colon) : '';
    const token = colon > 0 ? entry.slice(colon + 1) : '';
    if (!(TOKEN_SCOPES as readonly string[]).includes(scope))
      throw new ApiTokensError(
        `entry ${i + 1} has no scope: write each token as <scope>:<token> with scope ${TOKEN_SCOPES.join(', ')} (e.g. read:${'…'} for Prometheus, admin:${'…'} for you)`,
      );
    if (token.length < 16 || /\s/.test(token))
      throw new ApiTokensError(`entry ${i + 1} (${scope}): the token must be at least 16 characters, without spaces`);
    return { scope: scope as TokenScope, token, id: tokenId(scope as TokenScope, token) };
  });
}
