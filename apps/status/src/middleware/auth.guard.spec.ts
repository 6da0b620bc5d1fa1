import { UnauthorizedException } from '@nestjs/common';
import { ApiTokens } from './api-tokens';
import { RedirectTo, TOKEN_COOKIE, authenticate, cookie } from './auth.guard';
import type { HttpRequest, HttpResponse } from './http-types';

const tokens = new ApiTokens(['good']);

function req(
  method: string,
  headers: Record<string, string> = {},
  query: Record<string, unknown> = {},
  url = '/',
): HttpRequest {
  return { method, headers, query, originalUrl: url, path: url.split('?')[0], secure: false };
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
    redirect() {},
    status() {
      return r;
    },
    json() {},
    type() {},
  };
  return r;
}

type Outcome = 'ok' | '401' | 'redirect';

function outcome(request: HttpRequest, loginPage: boolean, response = res()): Outcome {
  try {
    authenticate(request, response, tokens, loginPage);
    return 'ok';
  } catch (e) {
    if (e instanceof RedirectTo) return 'redirect';
    if (e instanceof UnauthorizedException) return '401';
    throw e;
  }
}

describe('authenticate', () => {
  it.each<[string, HttpRequest, boolean, Outcome]>([
    ['bearer', req('GET', { authorization: 'Bearer good' }), false, 'ok'],
    ['bearer on a change', req('PUT', { authorization: 'bearer good' }), false, 'ok'],
    [
      'wrong bearer, even with a good cookie',
      req('GET', { authorization: 'Bearer bad', cookie: `${TOKEN_COOKIE}=good` }),
      false,
      '401',
    ],
    ['nothing', req('GET'), false, '401'],
    ['basic auth', req('GET', { authorization: 'Basic Z29vZA==' }), false, '401'],
    ['cookie on GET', req('GET', { cookie: `a=1; ${TOKEN_COOKIE}=good` }), false, 'ok'],
    ['cookie on POST (no CSRF)', req('POST', { cookie: `${TOKEN_COOKIE}=good` }), false, '401'],
    ['?token on a login page', req('GET', {}, { token: 'good' }, '/?token=good&x=1'), true, 'redirect'],
    ['?token on an API route', req('GET', {}, { token: 'good' }), false, '401'],
    ['wrong ?token on a login page', req('GET', {}, { token: 'bad' }), true, '401'],
    ['?token given twice (array)', req('GET', {}, { token: ['good', 'good'] }), true, '401'],
  ])('%s → %s', (_, request, loginPage, expected) => {
    expect(outcome(request, loginPage)).toBe(expected);
  });

  it('a login sets an HttpOnly SameSite=Strict cookie and redirects to the URL without the token', () => {
    const r = res();
    try {
      authenticate(req('GET', {}, { token: 'good' }, '/projects/a?token=good&x=1'), r, tokens, true);
      throw new Error('no redirect');
    } catch (e) {
      expect((e as RedirectTo).url).toBe('/projects/a?x=1');
    }
    expect(r.cookies).toEqual([
      [TOKEN_COOKIE, 'good', expect.objectContaining({ httpOnly: true, sameSite: 'strict', path: '/' })],
    ]);
    expect(r.headers['WWW-Authenticate']).toBe('Bearer realm="indicator-watch"');
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
