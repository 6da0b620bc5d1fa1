import { ApiTokensError } from '@iw/people';
import { ApiTokens, MissingApiTokensError } from './api-tokens';

describe('ApiTokens', () => {
  const tokens = new ApiTokens(['read:alpha-token-0123456789', 'admin:beta-token-0123456789']);

  it.each([
    ['alpha-token-0123456789', 'read'],
    ['beta-token-0123456789', 'admin'],
    ['alpha-token-012345678', null],
    ['alpha-token-0123456789 ', null],
    ['ALPHA-TOKEN-0123456789', null],
    ['read:alpha-token-0123456789', null],
    ['', null],
    [undefined, null],
    [null, null],
  ])('%p → %p', (presented, scope) => {
    expect(tokens.match(presented)?.scope ?? null).toBe(scope);
    expect(tokens.accepts(presented)).toBe(scope !== null);
  });

  it('refuses to exist without tokens', () => {
    expect(() => new ApiTokens([])).toThrow(MissingApiTokensError);
    expect(() => new ApiTokens([])).toThrow(/IW_API_TOKENS is empty/);
  });

  it('refuses a token without a scope', () => {
    expect(() => new ApiTokens(['no-scope-token-0123456789'])).toThrow(ApiTokensError);
  });
});
