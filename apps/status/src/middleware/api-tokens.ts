import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The configured bearer tokens (IW_API_TOKENS), kept only as SHA-256 digests. A presented
 * token is hashed and compared with every digest in constant time (equal lengths by
 * construction), without stopping at the first match, so timing says nothing about which
 * token or how much of it matched.
 */
export class ApiTokens {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    if (tokens.length === 0) throw new MissingApiTokensError();
    this.digests = tokens.map(digest);
  }

  accepts(presented: string | undefined | null): boolean {
    if (typeof presented !== 'string' || presented === '') return false;
    const d = digest(presented);
    let ok = false;
    for (const known of this.digests) ok = timingSafeEqual(d, known) || ok;
    return ok;
  }
}

export class MissingApiTokensError extends Error {
  constructor() {
    super(
      'IW_API_TOKENS is empty: the status app serves nothing but /health/* without a bearer token. ' +
        'Set IW_API_TOKENS to one or more comma-separated tokens (e.g. IW_API_TOKENS=$(openssl rand -hex 24)); `npm start` generates and prints one.',
    );
    this.name = 'MissingApiTokensError';
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
