import { createHash, timingSafeEqual } from 'node:crypto';
import { parseApiTokens, type ScopedToken } from '@iw/people';

/**
 * The configured machine tokens (IW_API_TOKENS, `<scope>:<token>`), kept only as SHA-256
 * digests. A presented token is hashed and compared with every digest in constant time
 * (equal lengths by construction), without stopping at the first match, so timing says nothing
 * about which token or how much of it matched.
 */
export class ApiTokens {
  private readonly known: Array<{ digest: Buffer; token: Omit<ScopedToken, 'token'> }>;

  constructor(entries: readonly string[]) {
    if (entries.length === 0) throw new MissingApiTokensError();
    this.known = parseApiTokens(entries).map((t) => ({ digest: digest(t.token), token: { scope: t.scope, id: t.id } }));
  }

  /** The scope and id of a valid token, or null. */
  match(presented: string | undefined | null): Omit<ScopedToken, 'token'> | null {
    if (typeof presented !== 'string' || presented === '') return null;
    const d = digest(presented);
    let found: Omit<ScopedToken, 'token'> | null = null;
    for (const k of this.known) if (timingSafeEqual(d, k.digest) && !found) found = k.token;
    return found;
  }

  accepts(presented: string | undefined | null): boolean {
    return this.match(presented) !== null;
  }
}

export class MissingApiTokensError extends Error {
  constructor() {
    super(
      'IW_API_TOKENS is empty: set one or more comma-separated machine tokens, each as <scope>:<token> with scope read, write or admin ' +
        '(e.g. IW_API_TOKENS=admin:$(openssl rand -hex 24)); `npm start` generates and prints one. People sign in with personal links.',
    );
    this.name = 'MissingApiTokensError';
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
