import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { IDS, TOKENS, startHarness, type StatusHarness } from './harness';

/**
 * The OpenAPI document the app serves, checked against what the app really answers: every
 * operation is called (successes and the errors a client meets: 400, 401, 403, 404), and each
 * response must be documented under its status with a schema the body satisfies. `nullable` is
 * read strictly, as generated clients read it: an `enum` must list `null` to allow it.
 */

jest.setTimeout(180_000);

type Json = Record<string, unknown>;
let h: StatusHarness;
let doc: { paths: Record<string, Record<string, Json>>; components?: Json };
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const seen = new Set<string>();
const problems: string[] = [];

/** An OpenAPI 3.0 schema as JSON Schema (draft-07), `nullable` adding `null` to the type only. */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace(/^#\//, 'openapi#/');
    else out[k] = strict(v);
  }
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    // OpenAPI 3.0 (draft 4) writes exclusive bounds as booleans beside the bound.
    if (out[flag] === true) {
      out[flag] = out[bound];
      delete out[bound];
    }
  }
  if (out.exclusiveMinimum === false) delete out.exclusiveMinimum;
  if (out.exclusiveMaximum === false) delete out.exclusiveMaximum;
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

const validators = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: unknown): ValidateFunction {
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(strict(schema) as Json);
    validators.set(key, v);
  }
  return v;
}

/** The documented operation a concrete request hits. */
function operationOf(method: string, url: string): { template: string; op: Json } | null {
  const pathname = new URL(url, 'http://x').pathname;
  for (const [template, ops] of Object.entries(doc.paths)) {
    const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(pathname) && ops[method]) return { template, op: ops[method] };
  }
  return null;
}

async function call(
  method: 'get' | 'post' | 'put',
  url: string,
  o: { body?: unknown; token?: string | null } = {},
): Promise<number> {
  const headers: Record<string, string> = {};
  if (o.token !== null) headers.authorization = `Bearer ${o.token ?? TOKENS[0]}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(h.base + url, {
    method: method.toUpperCase(),
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
    redirect: 'manual',
  });
  const found = operationOf(method, url);
  if (!found) {
    problems.push(`${method.toUpperCase()} ${url}: no operation in the document`);
    return res.status;
  }
  seen.add(`${method} ${found.template}`);
  const responses = (found.op.responses ?? {}) as Record<string, Json>;
  const documented = responses[String(res.status)] ?? responses.default;
  const text = await res.text();
  if (!documented) {
    problems.push(`${method.toUpperCase()} ${found.template}: ${res.status} not documented (${text.slice(0, 120)})`);
    return res.status;
  }
  const type = res.headers.get('content-type') ?? '';
  const schema = (documented.content as Record<string, { schema?: unknown }> | undefined)?.['application/json']?.schema;
  if (type.includes('application/json')) {
    if (!schema) {
      problems.push(`${method.toUpperCase()} ${found.template}: ${res.status} JSON without a documented schema`);
      return res.status;
    }
    const validate = validatorFor(`${method} ${found.template} ${res.status}`, schema);
    if (!validate(JSON.parse(text)))
      problems.push(
        `${method.toUpperCase()} ${url} ${res.status}: ${ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 600)}`,
      );
  }
  return res.status;
}

beforeAll(async () => {
  h = await startHarness();
  const res = await h.get('/api/docs/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as typeof doc;
  ajv.addSchema({ $id: 'openapi', components: strict(doc.components ?? {}) as Json });
});

afterAll(async () => {
  await h?.close();
});

it('declares the bearer tokens as opaque (not JWT)', () => {
  const schemes = (doc.components?.securitySchemes ?? {}) as Record<string, Json>;
  const bearer = Object.values(schemes).find((s) => s.scheme === 'bearer');
  expect(bearer).toBeDefined();
  expect(bearer!.bearerFormat).not.toBe('JWT');
});

it('every operation answers as documented (real responses validated against the document)', async () => {
  const e = encodeURIComponent;
  const projects = (await (await h.get('/api/projects')).json()) as { projects: Array<{ agency?: string }> };
  const agency = projects.projects.find((p) => p.agency)?.agency ?? '无此单位';
  const inspect = e(IDS.inspect);
  const gas = e(IDS.gasoline);

  // Successes.
  await call('get', '/health/live', { token: null });
  await call('get', '/health/ready', { token: null });
  await call('get', '/status');
  await call('get', '/metrics');
  await call('get', '/api/projects');
  await call('get', `/api/projects/${inspect}`);
  await call('get', `/api/projects/${inspect}/monitoring-report?asOf=2019-07-01`);
  await call('get', `/api/agencies/${e(agency)}/monitoring-report?asOf=2019-07-01`);
  await call('get', '/api/agencies');
  await call('get', `/api/projects?agency=${e(agency)}`);
  await call('get', '/api/indicators');
  await call('get', `/api/indicators?project=${inspect}&status=on_track,at_risk,off_track,no_data,achieved,missed`);
  await call('get', `/api/indicators/${gas}`);
  await call('get', `/api/indicators/${e(IDS.training)}`);
  await call('get', `/api/indicators/${e(IDS.influence)}`);
  await call('get', '/api/alerts');
  await call('get', '/api/alerts?state=resolved');
  await call('get', '/api/alerts?state=closed');
  await call('get', '/api/audit');
  await call('get', '/api/people');
  await call('get', '/api/dlq');
  await call('post', `/api/alerts/${gas}/ack`, { body: { by: 'openapi-test' } });
  await call('post', `/api/alerts/${gas}/silence`, { body: { until: '2019-07-20' } });
  await call('post', `/api/alerts/${gas}/unsilence`, { body: {} });
  await call('put', `/api/indicators/${gas}/deviation`, { body: { category: '人员保障', remark: '测试' } });
  await call('post', `/api/indicators/${gas}/report`, { body: { form: 'increment', value: 1 } });
  await call('get', '/api/audit');

  // The errors a client meets.
  for (const [method, url] of [
    ['get', '/api/projects'],
    ['get', `/api/indicators/${gas}`],
    ['post', `/api/alerts/${gas}/ack`],
    ['put', `/api/indicators/${gas}/deviation`],
  ] as const)
    await call(method, url, { token: null });
  await call('get', `/api/projects/${e('2019.无此项目')}`);
  await call('get', `/api/projects/${e('2019.无此项目')}/monitoring-report`);
  await call('get', `/api/agencies/${e('无此单位')}/monitoring-report`);
  await call('get', `/api/indicators/${e('2019.无.无')}`);
  await call('get', `/api/indicators?project=${e('2019.无此项目')}`);
  await call('get', `/api/alerts?project=${e('2019.无此项目')}`);
  await call('get', '/api/indicators?status=bogus');
  await call('get', '/api/alerts?state=bogus');
  await call('get', '/api/audit?since=soon');
  await call('get', '/api/dlq?reason=bogus');
  await call('get', `/api/projects/${inspect}/monitoring-report?asOf=tomorrow`);
  await call('post', '/api/alerts/nope/ack', { body: {} });
  await call('post', `/api/alerts/${gas}/silence`, { body: {} });
  await call('post', '/api/alerts/nope/unsilence', { body: {} });
  await call('put', `/api/indicators/${gas}/deviation`, { body: { category: '天气' } });
  await call('post', `/api/indicators/${gas}/report`, { body: { form: 'bogus' } });

  const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))
      .map((m) => `${m} ${p}`),
  );
  expect(operations.filter((o) => !seen.has(o))).toEqual([]);
  expect(problems).toEqual([]);
});
