import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { PlainInputPipe, ZodPipe } from './zod.pipe';

describe('PlainInputPipe', () => {
  const pipe = new PlainInputPipe();
  it.each<[string, unknown, boolean]>([
    ['body', { category: '其他', remark: 'x' }, true],
    ['body', { category: { $gt: '' } }, false],
    ['body', { a: [{ b: { $where: '1' } }] }, false],
    ['body', JSON.parse('{"__proto__": {"admin": true}}'), false],
    ['query', { 'project[$ne]': 'x' }, false],
    ['query', { project: 'a.b$c' }, true],
    ['param', 'id.with.dots', true],
    ['param', { $gt: '' }, false],
    ['custom', { $gt: '' }, true],
  ])('%s %j → ok %p', (type, value, ok) => {
    const run = () => pipe.transform(value, { type });
    if (ok) expect(run()).toBe(value);
    else expect(run).toThrow(BadRequestException);
  });
});

describe('ZodPipe', () => {
  const pipe = new ZodPipe(z.strictObject({ n: z.coerce.number().int(), s: z.string().max(3).optional() }));
  it('returns the parsed value', () => {
    expect(pipe.transform({ n: '4' })).toEqual({ n: 4 });
  });
  it.each([
    [{ n: 'x' }, /n:/],
    [{ n: 1, s: 'long' }, /s:/],
    [{ n: 1, extra: 1 }, /extra/],
  ])('%j → 400 naming the field', (value, field) => {
    try {
      pipe.transform(value);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(BadRequestException);
      expect(JSON.stringify((e as BadRequestException).getResponse())).toMatch(field);
    }
  });
});
