import { z } from 'zod';

/**
 * A zod schema as an OpenAPI 3.0 schema object, so one schema both validates (requests) or
 * types (responses) and documents the route at /api/docs.
 */
export function openApi(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return json;
}
