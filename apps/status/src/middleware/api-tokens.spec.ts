import { ApiTokens, MissingApiTokensError } from './api-tokens';

describe('ApiTokens', () => {
  const tokens = new ApiTokens(['alpha-token', 'beta-token']);

  it.each([
    ['alpha-token', true],
    ['beta-token', true],
    ['alpha-toke', false],
    ['alpha-token ', false],
    ['ALPHA-TOKEN', false],
    ['', false],
    [undefined, false],
    [null, false],
  ])('%p → %p', (presented, ok) => {
    expect(tokens.accepts(presented)).toBe(ok);
  });

  it('refuses to exist without tokens', () => {
    expect(() => new ApiTokens([])).toThrow(MissingApiTokensError);
    expect(() => new ApiTokens([])).toThrow(/IW_API_TOKENS is empty/);
  });
});
