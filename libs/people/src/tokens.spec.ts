import { ApiTokensError, parseApiTokens, tokenId } from './tokens';

describe('parseApiTokens', () => {
  it('reads <scope>:<token> entries and names each token without revealing it', () => {
    const t = parseApiTokens(['read:prometheus-0123456789', 'admin:me-0123456789abcdef']);
    expect(t.map((x) => [x.scope, x.token])).toEqual([
      ['read', 'prometheus-0123456789'],
      ['admin', 'me-0123456789abcdef'],
    ]);
    expect(t[0].id).toMatch(/^token:read:[0-9a-f]{8}$/);
    expect(t[0].id).not.toContain('prometheus');
    expect(tokenId('read', 'prometheus-0123456789')).toBe(t[0].id);
  });

  it('keeps colons inside the token', () => {
    expect(parseApiTokens(['write:a:b:c-0123456789abc'])[0].token).toBe('a:b:c-0123456789abc');
  });

  it.each([
    ['bare-token-without-scope-01234'],
    ['root:0123456789abcdefgh'],
    [':0123456789abcdefgh'],
    ['read:short'],
    ['read:has space 0123456789'],
  ])('refuses %p, saying how to write it', (entry) => {
    expect(() => parseApiTokens([entry])).toThrow(ApiTokensError);
    expect(() => parseApiTokens([entry])).toThrow(/IW_API_TOKENS: entry 1/);
  });
});
