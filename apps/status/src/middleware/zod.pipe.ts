import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates one argument (query, body, param) against a zod schema — the single place input is
 * checked, like a ValidationPipe with `whitelist` and `transform`: unknown body keys are dropped
 * (z.object strips), unknown query parameters refused (z.strictObject), values must be the
 * declared strings and numbers, and anything else is a 400 naming the field.
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`),
    });
  }
}

/** Keys no input may carry: MongoDB operators and prototype tricks. */
const FORBIDDEN_KEY = /^\$|\[\$|^__proto__$|^constructor$|^prototype$/;

/**
 * Global, before the route's own ZodPipe: route params must be plain strings, and no query or
 * body may hold an object key that MongoDB would read as an operator (`{"$gt": ""}`).
 */
export class PlainInputPipe implements PipeTransform {
  transform(value: unknown, meta: { type: string }): unknown {
    if (meta.type === 'param' && value !== undefined && typeof value !== 'string')
      throw new BadRequestException('route parameters are strings');
    if (meta.type === 'query' || meta.type === 'body' || meta.type === 'param') check(value, 0);
    return value;
  }
}

function check(value: unknown, depth: number): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > 20) throw new BadRequestException('input nested too deeply');
  for (const [k, v] of Object.entries(value)) {
    if (FORBIDDEN_KEY.test(k)) throw new BadRequestException(`field name "${k}" is not allowed`);
    check(v, depth + 1);
  }
}
