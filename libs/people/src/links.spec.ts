import { keyedDigest, linkSigner, personalLinkUrl, safeNext, sameSecret, signLink, verifyLink } from './links';

const SECRET = Buffer.from('k'.repeat(32));
const OTHER = Buffer.from('j'.repeat(32));
const NOW = Date.parse('2026-11-01T00:00:00Z');
const claims = { email: 'a@x.cn', issuedAt: NOW, expiresAt: NOW + 14 * 86_400_000 };
const token = signLink(SECRET, claims);

function flip(s: string, at: number): string {
  const c = s[at] === 'A' ? 'B' : 'A';
  return s.slice(0, at) + c + s.slice(at + 1);
}

describe('verifyLink', () => {
  it('accepts its own link and reads the claims back', () => {
    expect(verifyLink(SECRET, token, NOW + 1)).toEqual({ ok: true, claims });
  });

  it.each<[string, string, number, string]>([
    ['expired (at the instant)', token, claims.expiresAt, 'expired'],
    ['expired (later)', token, claims.expiresAt + 1, 'expired'],
    ['another secret', signLink(OTHER, claims), NOW, 'signature'],
    ['a payload character changed', flip(token, 3), NOW, 'signature'],
    ['a signature character changed', flip(token, token.length - 5), NOW, 'signature'],
    [
      'the payload of another link',
      `${signLink(SECRET, { ...claims, email: 'b@x.cn' }).split('.')[0]}.${token.split('.')[1]}`,
      NOW,
      'signature',
    ],
    ['truncated', token.slice(0, -1), NOW, 'malformed'],
    ['no dot', token.replace('.', ''), NOW, 'malformed'],
    ['empty', '', NOW, 'malformed'],
    ['huge', `${'a'.repeat(2000)}.${token.split('.')[1]}`, NOW, 'malformed'],
    ['padding and spaces', ` ${token}`, NOW, 'malformed'],
  ])('refuses %s', (_, t, now, reason) => {
    expect(verifyLink(SECRET, t, now)).toEqual({ ok: false, reason });
  });

  it('refuses a well-signed payload that is not a link', () => {
    const payload = Buffer.from(JSON.stringify({ e: 'a@x.cn', i: 'soon', x: 1 })).toString('base64url');
    const forged = signLink(SECRET, claims).replace(/^[^.]+/, payload);
    // A different payload needs its own signature: reuse is refused first…
    expect(verifyLink(SECRET, forged, NOW)).toEqual({ ok: false, reason: 'signature' });
  });

  it('does not take a CSRF digest for a link signature', () => {
    const payload = token.split('.')[0];
    const csrfLike = `${payload}.${keyedDigest(SECRET, 'csrf', payload)}`;
    expect(verifyLink(SECRET, csrfLike, NOW)).toEqual({ ok: false, reason: 'signature' });
  });
});

describe('safeNext', () => {
  it.each<[unknown, string]>([
    ['/indicators/2019.a.b', '/indicators/2019.a.b'],
    ['/alerts?state=open', '/alerts?state=open'],
    ['https://evil.example/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['/a\r\nLocation: x', '/'],
    ['javascript:alert(1)', '/'],
    ['', '/'],
    [undefined, '/'],
    [['/a', '/b'], '/'],
  ])('%p → %p', (next, want) => expect(safeNext(next)).toBe(want));
});

describe('personal link URLs', () => {
  it('builds /signin/<token>?next=<path> under the public URL', () => {
    expect(personalLinkUrl('https://iw.example/', 'T.S', '/indicators/2019.a')).toBe(
      'https://iw.example/signin/T.S?next=%2Findicators%2F2019.a',
    );
    expect(personalLinkUrl('http://h:3000', 'T.S', '/')).toBe('http://h:3000/signin/T.S');
    expect(personalLinkUrl('http://h', 'T.S', 'https://evil.example')).toBe('http://h/signin/T.S');
  });

  it('signs for the lower-cased address with the configured lifetime', () => {
    const sign = linkSigner({ secret: SECRET, publicUrl: 'http://h', ttlMs: 1000, now: () => NOW });
    const url = new URL(sign('A@X.cn', '/alerts'));
    const t = url.pathname.split('/')[2];
    expect(verifyLink(SECRET, t, NOW + 999)).toEqual({
      ok: true,
      claims: { email: 'a@x.cn', issuedAt: NOW, expiresAt: NOW + 1000 },
    });
    expect(verifyLink(SECRET, t, NOW + 1000)).toEqual({ ok: false, reason: 'expired' });
    expect(url.searchParams.get('next')).toBe('/alerts');
  });
});

describe('sameSecret', () => {
  it.each<[unknown, unknown, boolean]>([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    [undefined, 'abc', false],
    ['', '', true],
  ])('%p vs %p → %p', (a, b, want) => expect(sameSecret(a, b)).toBe(want));
});
