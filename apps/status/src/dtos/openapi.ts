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
  return nullInEnums(json) as Record<string, unknown>;
}

/**
 * `nullable: true` beside an `enum` does not admit null by itself (OpenAPI 3.0.3): strict
 * generated clients rejected every no-data indicator and closed alert. The enum lists null too.
 */
function nullInEnums(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullInEnums);
  if (node === null || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, nullInEnums(v)])) as Record<string, unknown>;
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null))
    out.enum = [...(out.enum as unknown[]), null];
  return out;
}

/** The body of every error the API answers (Nest's shape): status, reason, one message or several. */
export const ERROR_BODY_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  },
} as const;

const ERRORS: Record<string, string> = {
  '400': 'Malformed input: a query, path or body the route cannot read (the message names it)',
  '401': 'No valid bearer token or session',
  '403': 'The token or person may not do this (another agency, scope, not an owner)',
  '404': 'No such project, indicator, agency or alert (the message names it)',
};

interface OpenApiDoc {
  paths: Record<string, Record<string, { security?: unknown[]; responses?: Record<string, unknown> }>>;
  components?: { securitySchemes?: Record<string, Record<string, unknown>> };
}

/**
 * Adds what every authenticated operation may answer (400, 401, 403, 404 with the error body)
 * where a route did not say it, and states the bearer tokens as the opaque strings they are.
 */
export function completeDocument<T>(doc: T): T {
  const d = doc as unknown as OpenApiDoc;
  for (const [path, ops] of Object.entries(d.paths)) {
    if (path.startsWith('/health')) continue;
    for (const op of Object.values(ops)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      for (const [status, description] of Object.entries(ERRORS)) {
        op.responses[status] ??= { description, content: { 'application/json': { schema: ERROR_BODY_SCHEMA } } };
      }
    }
  }
  for (const scheme of Object.values(d.components?.securitySchemes ?? {})) {
    if (scheme.scheme === 'bearer') {
      delete scheme.bearerFormat;
      scheme.description =
        'An opaque API token from IW_API_TOKENS (not a JWT), or a signed-in session cookie from a personal link';
    }
  }
  return doc;
}
