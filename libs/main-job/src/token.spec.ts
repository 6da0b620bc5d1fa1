import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureApiToken } from './token';

describe('ensureApiToken', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-token-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses IW_API_TOKENS when set, and writes nothing', () => {
    expect(ensureApiToken(['read:first-0123456789abcdef', 'admin:second-0123456789abcdef'], dir)).toEqual({
      tokens: 'read:first-0123456789abcdef,admin:second-0123456789abcdef',
      token: 'second-0123456789abcdef',
      generated: false,
      file: null,
    });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('generates one, keeps it private, and reuses it on the next run', () => {
    const first = ensureApiToken([], dir, () => 'generated-token-0123456789');
    expect(first).toEqual({
      tokens: 'admin:generated-token-0123456789',
      token: 'generated-token-0123456789',
      generated: true,
      file: path.join(dir, 'api-token'),
    });
    expect(fs.statSync(first.file!).mode & 0o777).toBe(0o600);
    expect(ensureApiToken([], dir, () => 'another-token-0123456789').token).toBe('generated-token-0123456789');
  });

  it('replaces a kept token that is not one (empty, too short)', () => {
    fs.writeFileSync(path.join(dir, 'api-token'), 'x\n');
    expect(ensureApiToken([], dir, () => 'fresh-token-0123456789').token).toBe('fresh-token-0123456789');
  });

  it('makes random tokens by default', () => {
    const a = ensureApiToken([], fs.mkdtempSync(path.join(dir, 'a-'))).token;
    const b = ensureApiToken([], fs.mkdtempSync(path.join(dir, 'b-'))).token;
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a).not.toBe(b);
  });
});
