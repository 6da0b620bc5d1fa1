import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { DEFAULT_TOPICS, type TopicRole } from '@iw/config';
import { ACTUALS_SCHEMAS, FAMILY_FIELDS, isActualsRole } from './actuals';
import { decodeActual } from './decode';
import { dlqRecordSchema } from './dlq';
import { progressMessageSchema } from './progress-message';

/**
 * docs/asyncapi.yaml and docs/events.md are written by hand; these tests fail when they and
 * the zod schemas drift: properties, required lists, JSON types, enums/consts, extra-field policy.
 */

const root = path.resolve(__dirname, '../../..');
const asyncapi = parse(fs.readFileSync(path.join(root, 'docs/asyncapi.yaml'), 'utf8'));
const eventsMd = fs.readFileSync(path.join(root, 'docs/events.md'), 'utf8');

const SCHEMAS: Record<TopicRole, z.ZodType> = {
  ...ACTUALS_SCHEMAS,
  dlq: dlqRecordSchema,
  progress: progressMessageSchema,
};
const ROLES = Object.keys(DEFAULT_TOPICS) as TopicRole[];

type Json = Record<string, any>;

function deref(node: Json): Json {
  if (!node || typeof node !== 'object' || !('$ref' in node)) return node;
  const parts = String(node.$ref).replace(/^#\//, '').split('/');
  return deref(parts.reduce((n: Json, p) => n[p], asyncapi));
}

/** The comparable essence of a JSON Schema node. */
function essence(raw: Json): unknown {
  const node = deref(raw);
  if (node.oneOf && !node.properties) return { oneOf: node.oneOf.map(essence) };
  if (node.type === 'object' || node.properties) {
    return {
      type: 'object',
      required: [...(node.required ?? [])].sort(),
      extra: node.additionalProperties === false ? 'closed' : 'open',
      properties: Object.fromEntries(
        Object.keys(node.properties ?? {})
          .sort()
          .map((k) => [k, essence(node.properties[k])]),
      ),
    };
  }
  const types = new Set<string>();
  const variants: Json[] = node.anyOf ?? [node];
  for (const v of variants) for (const t of [v.type].flat()) if (t) types.add(t);
  const values = node.enum ?? (node.const !== undefined ? [node.const] : undefined);
  return { types: [...types].sort(), ...(values ? { values: [...values].sort() } : {}) };
}

describe('docs/asyncapi.yaml', () => {
  it('is AsyncAPI 3 with one channel per topic role at its default address', () => {
    expect(asyncapi.asyncapi).toMatch(/^3\./);
    expect(Object.keys(asyncapi.channels).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(asyncapi.channels[role].address).toBe(DEFAULT_TOPICS[role]);
  });

  it.each(ROLES)('describes the %s payload as the zod schema does', (role) => {
    const messages = Object.values<Json>(asyncapi.channels[role].messages);
    expect(messages).toHaveLength(1);
    const documented = essence(deref(messages[0]).payload);
    const generated = essence(z.toJSONSchema(SCHEMAS[role], { io: 'output' }));
    expect(documented).toEqual(generated);
  });

  it('has a send and a receive operation for every actuals channel', () => {
    const ops = Object.values<Json>(asyncapi.operations);
    for (const role of ROLES.filter(isActualsRole)) {
      const actions = ops
        .filter((o) => o.channel.$ref === `#/channels/${role}`)
        .map((o) => o.action)
        .sort();
      expect(actions).toEqual(['receive', 'send']);
    }
  });
});

describe('FAMILY_FIELDS (what bindings may name)', () => {
  it.each(Object.keys(FAMILY_FIELDS) as Array<keyof typeof FAMILY_FIELDS>)('matches the %s schema', (role) => {
    const schema = z.toJSONSchema(ACTUALS_SCHEMAS[role], { io: 'output' }) as Json;
    const fromSchema = Object.fromEntries(
      Object.entries(schema.properties as Json).map(([k, v]) => [k, v.type === 'integer' ? 'number' : v.type]),
    );
    expect(FAMILY_FIELDS[role]).toEqual(fromSchema);
  });
});

describe('docs/events.md', () => {
  /** The first ```json block after each `### \`topic\`` heading. */
  function exampleFor(topic: string): unknown {
    const at = eventsMd.indexOf(`### \`${topic}\``);
    expect(at).toBeGreaterThanOrEqual(0);
    const block = /```json\n([\s\S]*?)\n```/.exec(eventsMd.slice(at));
    expect(block).not.toBeNull();
    return JSON.parse(block![1]);
  }

  it.each(ROLES)('has a valid example for %s', (role) => {
    const example = exampleFor(DEFAULT_TOPICS[role]);
    if (isActualsRole(role)) {
      expect(decodeActual(role, Buffer.from(JSON.stringify(example)))).toMatchObject({ ok: true });
    } else {
      expect(SCHEMAS[role].safeParse(example).error).toBeUndefined();
    }
  });

  it('every json block is a valid event of its section', () => {
    const sections = eventsMd.split(/^### /m).slice(1);
    let checked = 0;
    for (const section of sections) {
      const topic = /^`([^`]+)`/.exec(section)?.[1];
      const role = ROLES.find((r) => DEFAULT_TOPICS[r] === topic);
      if (!role || !isActualsRole(role)) continue;
      for (const m of section.matchAll(/```json\n([\s\S]*?)\n```/g)) {
        expect(decodeActual(role, Buffer.from(m[1]))).toMatchObject({ ok: true });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});
