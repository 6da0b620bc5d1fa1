import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { Person } from '@iw/people';
import type { SessionContext, SessionsService } from '../services/sessions.service';
import { ApiTokens } from './api-tokens';
import { RedirectTo, TOKEN_COOKIE, checkCsrf, cookie, resolvePrincipal } from './auth.guard';
import type { AuthedRequest, HttpResponse } from './http-types';

const GOOD = 'good-token-0123456789';
const tokens = new ApiTokens([`read:${GOOD}`, 'write:write-token-0123456789']);
const owner: Person = {
  email: 'owner@x.cn',
  name: '王一',
  role: 'owner',
  agencies: ['甲'],
  source: 'directory',
  linksValidFrom: 0,
};
/** A session store that knows one cookie secret. */
const sessions = {
  async fromCookie(secret: string | undefined): Promise<SessionContext | null> {
    return secret === 'session-secret-0123456789'
      ? { principal: { kind: 'person', person: owner, sessionId: 'k' }, csrf: 'csrf-1' }
      : null;
  },
} as unknown as SessionsService;

function req(
  method: string,
  headers: Record<string, string> = {},
  query: Record<string, unknown> = {},
  url = '/',
  body?: unknown,
): AuthedRequest {
  return { method, headers, query, originalUrl: url, path: url.split('?')[0], secure: false, body };
}

function res(): HttpResponse & { cookies: Array<[string, string, object]>; headers: Record<string, unknown> } {
  const r = {
    cookies: [] as Array<[string, string, object]>,
    headers: {} as Record<string, unknown>,
    headersSent: false,
    setHeader(n: string, v: unknown) {
      r.headers[n] = v;
    },
    cookie(n: string, v: string, o: object) {
      r.cookies.push([n, v, o]);
    },
    clearCookie() {},
    redirect() {},
    status() {
      return r;
    },
    json() {},
    send() {},
    type() {},
  };
  return r;
}

type Outcome = string;
async function outcome(request: AuthedRequest, loginPage: boolean, response = res()): Promise<Outcome> {
  try {
    const who = await resolvePrincipal(request, response, tokens, sessions, loginPage);
    if (!who) return 'nobody';
    return who.principal.kind === 'person' ? `person ${who.principal.person.email}` : `token ${who.principal.scope}`;
  } catch (e) {
    if (e instanceof RedirectTo) return 'redirect';
    if (e instanceof UnauthorizedException) return '401';
    throw e;
  }
}

const SESSION = 'iw_session=session-secret-0123456789';

describe('resolvePrincipal', () => {
  it.each<[string, AuthedRequest, boolean, Outcome]>([
    ['bearer', req('GET', { authorization: `Bearer ${GOOD}` }), false, 'token read'],
    ['bearer on a change', req('PUT', { authorization: 'bearer write-token-0123456789' }), false, 'token write'],
    [
      'wrong bearer, even with a good cookie',
      req('GET', { authorization: 'Bearer bad', cookie: `${TOKEN_COOKIE}=${GOOD}` }),
      false,
      '401',
    ],
    ['wrong bearer, even with a session', req('GET', { authorization: 'Bearer bad', cookie: SESSION }), false, '401'],
    ['empty bearer', req('GET', { authorization: 'Bearer ' }), false, '401'],
    ['the entry with its scope is not the token', req('GET', { authorization: `Bearer read:${GOOD}` }), false, '401'],
    ['nothing', req('GET'), false, 'nobody'],
    ['basic auth', req('GET', { authorization: 'Basic Z29vZA==' }), false, 'nobody'],
    ['session cookie', req('GET', { cookie: `a=1; ${SESSION}` }), false, 'person owner@x.cn'],
    ['session cookie on a change', req('POST', { cookie: SESSION }), false, 'person owner@x.cn'],
    ['unknown session', req('GET', { cookie: 'iw_session=someone-else-0123456789' }), false, 'nobody'],
    ['token cookie on GET', req('GET', { cookie: `a=1; ${TOKEN_COOKIE}=${GOOD}` }), false, 'token read'],
    ['token cookie on POST (no CSRF)', req('POST', { cookie: `${TOKEN_COOKIE}=${GOOD}` }), false, 'nobody'],
    ['?token on a login page', req('GET', {}, { token: GOOD }, `/?token=${GOOD}&x=1`), true, 'redirect'],
    ['?token on an API route', req('GET', {}, { token: GOOD }), false, 'nobody'],
    ['wrong ?token on a login page', req('GET', {}, { token: 'bad' }), true, '401'],
    ['?token given twice (array)', req('GET', {}, { token: [GOOD, GOOD] }), true, 'nobody'],
  ])('%s → %s', async (_, request, loginPage, expected) => {
    expect(await outcome(request, loginPage)).toBe(expected);
  });

  it('a ?token= login sets an HttpOnly SameSite=Strict cookie and redirects to the URL without the token', async () => {
    const r = res();
    await expect(
      resolvePrincipal(req('GET', {}, { token: GOOD }, `/projects/a?token=${GOOD}&x=1`), r, tokens, sessions, true),
    ).rejects.toEqual(expect.objectContaining({ url: '/projects/a?x=1' }));
    expect(r.cookies).toEqual([
      [TOKEN_COOKIE, GOOD, expect.objectContaining({ httpOnly: true, sameSite: 'strict', path: '/' })],
    ]);
    expect(r.headers['WWW-Authenticate']).toBe('Bearer realm="indicator-watch"');
  });
});

describe('checkCsrf', () => {
  const refused = (request: AuthedRequest, expected: string | null) => {
    try {
      checkCsrf(request, expected);
      return false;
    } catch (e) {
      expect(e).toBeInstanceOf(ForbiddenException);
      expect(JSON.stringify((e as ForbiddenException).getResponse())).toContain('CSRF');
      return true;
    }
  };
  it.each<[string, AuthedRequest, string | null, boolean]>([
    ['a GET needs none', req('GET'), 'csrf-1', false],
    ['a form field', req('POST', {}, {}, '/', { _csrf: 'csrf-1' }), 'csrf-1', false],
    ['a header', req('POST', { 'x-csrf-token': 'csrf-1' }), 'csrf-1', false],
    ['missing', req('POST', {}, {}, '/', { until: '2019-08-01' }), 'csrf-1', true],
    ['wrong', req('POST', {}, {}, '/', { _csrf: 'csrf-2' }), 'csrf-1', true],
    ['an array of tokens', req('POST', {}, {}, '/', { _csrf: ['csrf-1'] }), 'csrf-1', true],
    ['no body at all', req('DELETE'), 'csrf-1', true],
    ['a bearer token needs none', req('POST'), null, false],
  ])('%s → refused %p', (_, request, expected, want) => {
    expect(refused(request, expected)).toBe(want);
  });
});

describe('cookie', () => {
  it.each([
    ['iw_token=abc', 'abc'],
    ['a=1; iw_token=x%20y; b=2', 'x y'],
    ['iw_tokenx=1', undefined],
    ['iw_token=%E0%A4%A', undefined],
    ['', undefined],
  ])('%p → %p', (header, value) => {
    expect(cookie(header, 'iw_token')).toBe(value);
  });
});
