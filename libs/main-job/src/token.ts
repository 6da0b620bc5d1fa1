import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ApiToken {
  /** IW_API_TOKENS for the services (comma-separated `<scope>:<token>`). */
  tokens: string;
  /** The one to print: the first admin token (else the first), without its scope. */
  token: string;
  generated: boolean;
  /** Where a generated token is kept, so the dashboard link survives a restart. */
  file: string | null;
}

/**
 * IW_API_TOKENS when set; otherwise an admin token kept in `<localDir>/api-token` from an
 * earlier run, or a new random one written there (mode 0600).
 */
export function ensureApiToken(
  configured: readonly string[],
  localDir: string,
  random: () => string = () => randomBytes(24).toString('base64url'),
): ApiToken {
  if (configured.length) {
    const shown = configured.find((t) => t.startsWith('admin:')) ?? configured[0];
    return { tokens: configured.join(','), token: shown.slice(shown.indexOf(':') + 1), generated: false, file: null };
  }
  const file = path.join(localDir, 'api-token');
  let token = '';
  try {
    token = fs.readFileSync(file, 'utf8').trim();
  } catch {
    // none yet
  }
  if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) {
    token = random();
    fs.mkdirSync(localDir, { recursive: true });
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  }
  return { tokens: `admin:${token}`, token, generated: true, file };
}
