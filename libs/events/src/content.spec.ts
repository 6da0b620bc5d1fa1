import { canonicalJson, contentHash, sameContent } from './content';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('contentHash', () => {
  it('is a safe integer, equal for equal bytes', () => {
    const h = contentHash(bytes('{"eventId":"a","batches":1}'));
    expect(Number.isSafeInteger(h)).toBe(true);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(contentHash(bytes('{"eventId":"a","batches":1}'))).toBe(h);
  });

  it.each([
    ['one digit', '{"eventId":"a","batches":1}', '{"eventId":"a","batches":2}'],
    ['key order', '{"eventId":"a","batches":1}', '{"batches":1,"eventId":"a"}'],
    ['spacing', '{"eventId":"a","batches":1}', '{"eventId": "a", "batches": 1}'],
    ['Chinese text', '{"category":"汽油"}', '{"category":"柴油"}'],
    ['empty vs not', '', ' '],
  ])('differs for different bytes: %s', (_name, a, b) => {
    expect(contentHash(bytes(a))).not.toBe(contentHash(bytes(b)));
  });

  it('spreads 20,000 similar values without a collision', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20_000; i++) seen.add(contentHash(bytes(`{"eventId":"run-${i}","batches":${i % 7}}`)));
    expect(seen.size).toBe(20_000);
  });
});

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: [2, { d: null, c: 'x' }] }, '{"a":[2,{"c":"x","d":null}],"b":1}'],
    [[], '[]'],
    ['汽油', '"汽油"'],
    [1.5, '1.5'],
    [null, 'null'],
  ])('%j → %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });
});

describe('sameContent', () => {
  it.each([
    ['identical bytes', '{"eventId":"a","batches":1}', '{"eventId":"a","batches":1}', true],
    ['other key order and spacing', '{"eventId":"a","batches":1}', '{ "batches": 1, "eventId": "a" }', true],
    ['nested key order', '{"a":{"x":1,"y":2}}', '{"a":{"y":2,"x":1}}', true],
    ['a number written otherwise', '{"batches":1.0}', '{"batches":1}', true],
    ['another count', '{"eventId":"a","batches":1}', '{"eventId":"a","batches":2}', false],
    ['another category', '{"eventId":"a","category":"汽油"}', '{"eventId":"a","category":"柴油"}', false],
    ['a field more', '{"eventId":"a"}', '{"eventId":"a","note":"x"}', false],
    ['array order matters', '{"a":[1,2]}', '{"a":[2,1]}', false],
    ['not JSON, different', 'abc', 'abd', false],
    ['not JSON, same', 'abc', 'abc', true],
  ])('%s', (_name, a, b, same) => {
    expect(sameContent(a, b)).toBe(same);
    expect(sameContent(b, a)).toBe(same);
  });
});
