import { decodeActual } from './decode';
import type { ActualsRole } from './actuals';
import type { DlqReasonClass } from './dlq';

const envelope = { eventId: 'e-1', occurredAt: '2019-04-12T10:30:00+08:00', source: 'lab7', schemaVersion: 1 };
const batch = { ...envelope, category: '汽油', batches: 12, qualifiedBatches: 11, region: '喀什地区', costYuan: 33600 };

const valid: Array<[string, ActualsRole, object]> = [
  ['inspection batch, all fields', 'inspectionBatches', batch],
  ['inspection batch, required only', 'inspectionBatches', { ...envelope, category: '化肥', batches: 0 }],
  [
    'inspection batch, UTC offset Z and fractions',
    'inspectionBatches',
    { ...batch, occurredAt: '2019-04-12T02:30:00.250Z' },
  ],
  ['case opened', 'cases', { ...envelope, caseId: 'c-1', action: 'opened', category: '食品', region: '哈密市' }],
  ['case closed', 'cases', { ...envelope, caseId: 'c-1', action: 'closed' }],
  ['survey aggregate', 'surveys', { ...envelope, surveyKey: '社会公众满意度', respondents: 10, satisfied: 9 }],
  ['survey answer', 'surveys', { ...envelope, surveyKey: '社会公众满意度', score: 4, scale: 5 }],
  [
    'spending by name',
    'spending',
    { ...envelope, projectName: '工商行政管理业务费', amountYuan: 1200.5, item: '培训' },
  ],
  ['spending by id', 'spending', { ...envelope, projectId: '2019.工商行政管理业务费', amountYuan: 0 }],
  ['measurement increment', 'measurements', { ...envelope, indicatorId: '2019.p.i', kind: 'increment', value: 3 }],
  [
    'measurement set, negative allowed',
    'measurements',
    { ...envelope, indicatorId: '2019.p.i', kind: 'set', value: -2.5 },
  ],
  [
    'measurement set ratio',
    'measurements',
    { ...envelope, indicatorId: '2019.p.i', kind: 'set', value: 90, numerator: 9, denominator: 10 },
  ],
  ['measurement milestone', 'measurements', { ...envelope, indicatorId: '2019.p.i', kind: 'milestone', done: false }],
  [
    'measurement assessment',
    'measurements',
    { ...envelope, indicatorId: '2019.p.i', kind: 'assessment', likelihood: '有可能', text: '进度偏慢' },
  ],
  [
    'line breaks and tabs in a note (prose, not an id)',
    'measurements',
    { ...envelope, indicatorId: '2019.p.i', kind: 'increment', value: 1, note: '第一行\n第二行\t备注\r\n' },
  ],
  [
    'unknown extra fields (forward compatible)',
    'inspectionBatches',
    { ...batch, labName: '七号实验室', extra: { nested: [1, 2, { ok: true }] } },
  ],
];

describe('decodeActual accepts', () => {
  it.each(valid)('%s', (_name, role, event) => {
    const decoded = decodeActual(role, Buffer.from(JSON.stringify(event)));
    expect(decoded).toEqual({ ok: true, event });
  });
});

const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });

const invalid: Array<[string, ActualsRole, Buffer | null, DlqReasonClass, RegExp?]> = [
  ['null value (tombstone)', 'cases', null, 'not_json', /empty/],
  ['empty value', 'cases', Buffer.alloc(0), 'not_json'],
  ['truncated JSON', 'inspectionBatches', Buffer.from('{"eventId":'), 'not_json'],
  ['plain text', 'inspectionBatches', Buffer.from('hello'), 'not_json'],
  [
    'NaN literal',
    'inspectionBatches',
    Buffer.from(JSON.stringify(batch).replace('"batches":12', '"batches":NaN')),
    'not_json',
  ],
  [
    'invalid UTF-8',
    'inspectionBatches',
    Buffer.concat([Buffer.from('{"category":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    'invalid_utf8',
  ],
  ['lone continuation byte', 'cases', Buffer.from([0x7b, 0x80, 0x7d]), 'invalid_utf8'],
  ['over 64 KiB', 'inspectionBatches', json({ ...batch, pad: 'x'.repeat(70_000) }), 'too_large', /bytes/],
  ['a JSON array', 'inspectionBatches', json([batch]), 'schema', /array/],
  ['a JSON number', 'inspectionBatches', Buffer.from('42'), 'schema', /number/],
  ['JSON null', 'inspectionBatches', Buffer.from('null'), 'schema', /null/],
  ['batches as a string', 'inspectionBatches', json({ ...batch, batches: '12' }), 'schema', /batches/],
  ['batches not an integer', 'inspectionBatches', json({ ...batch, batches: 1.5 }), 'schema', /batches/],
  [
    'Infinity (1e999)',
    'inspectionBatches',
    Buffer.from(JSON.stringify(batch).replace('"costYuan":33600', '"costYuan":1e999')),
    'schema',
    /costYuan/,
  ],
  ['missing eventId', 'inspectionBatches', json({ ...batch, eventId: undefined }), 'schema', /eventId/],
  ['missing category', 'inspectionBatches', json({ ...batch, category: undefined }), 'schema', /category/],
  ['blank eventId', 'cases', json({ ...envelope, eventId: '   ', caseId: 'c', action: 'opened' }), 'schema', /eventId/],
  [
    'eventId too long',
    'cases',
    json({ ...envelope, eventId: 'e'.repeat(201), caseId: 'c', action: 'opened' }),
    'schema',
    /eventId/,
  ],
  ['category too long', 'inspectionBatches', json({ ...batch, category: '汽'.repeat(101) }), 'schema', /category/],
  // Control characters in ids and short fields: JSON escapes carry them through any client.
  ['NUL in eventId', 'inspectionBatches', json({ ...batch, eventId: 'lab7\u0000-03' }), 'schema', /eventId: .*U\+0000/],
  ['NUL in source', 'inspectionBatches', json({ ...batch, source: 'lab\u00007' }), 'schema', /source: .*control/],
  ['ESC in category', 'inspectionBatches', json({ ...batch, category: '汽油\u001b[2J' }), 'schema', /category/],
  [
    'CR/LF in caseId',
    'cases',
    json({ ...envelope, caseId: 'c-1\r\n[Nest] ERROR forged', action: 'opened' }),
    'schema',
    /caseId: .*U\+000D/,
  ],
  ['DEL in region', 'inspectionBatches', json({ ...batch, region: '喀什\u007f地区' }), 'schema', /region/],
  [
    'C1 control in projectName',
    'spending',
    json({ ...envelope, projectName: 'p\u0085', amountYuan: 1 }),
    'schema',
    /projectName/,
  ],
  [
    'bidirectional override in indicatorId',
    'measurements',
    json({ ...envelope, indicatorId: '2019.p.\u202ei', kind: 'increment', value: 1 }),
    'schema',
    /indicatorId: .*U\+202E/,
  ],
  [
    'NUL in an assessment text',
    'measurements',
    json({ ...envelope, indicatorId: 'i', kind: 'assessment', likelihood: '有可能', text: 'a\u0000b' }),
    'schema',
    /text/,
  ],
  [
    'occurredAt without offset',
    'inspectionBatches',
    json({ ...batch, occurredAt: '2019-04-12T10:30:00' }),
    'schema',
    /occurredAt/,
  ],
  ['occurredAt a date only', 'inspectionBatches', json({ ...batch, occurredAt: '2019-04-12' }), 'schema', /occurredAt/],
  [
    'occurredAt not a calendar date',
    'inspectionBatches',
    json({ ...batch, occurredAt: '2019-02-30T10:00:00+08:00' }),
    'schema',
    /occurredAt/,
  ],
  ['schemaVersion 2', 'inspectionBatches', json({ ...batch, schemaVersion: 2 }), 'unsupported_version', /2/],
  [
    'schemaVersion missing',
    'inspectionBatches',
    json({ ...batch, schemaVersion: undefined }),
    'schema',
    /schemaVersion/,
  ],
  ['negative batches', 'inspectionBatches', json({ ...batch, batches: -1 }), 'negative_count', /batches is -1/],
  [
    'negative qualifiedBatches',
    'inspectionBatches',
    json({ ...batch, qualifiedBatches: -3 }),
    'negative_count',
    /qualifiedBatches/,
  ],
  ['negative costYuan', 'inspectionBatches', json({ ...batch, costYuan: -0.5 }), 'negative_count', /costYuan/],
  [
    'negative respondents',
    'surveys',
    json({ ...envelope, surveyKey: 'k', respondents: -1, satisfied: 0 }),
    'negative_count',
    /respondents/,
  ],
  [
    'negative amountYuan',
    'spending',
    json({ ...envelope, projectName: 'p', amountYuan: -5 }),
    'negative_count',
    /amountYuan/,
  ],
  [
    'negative increment',
    'measurements',
    json({ ...envelope, indicatorId: 'i', kind: 'increment', value: -1 }),
    'negative_count',
    /value/,
  ],
  ['qualified above batches', 'inspectionBatches', json({ ...batch, qualifiedBatches: 13 }), 'schema', /exceed/],
  ['unknown case action', 'cases', json({ ...envelope, caseId: 'c', action: 'reopened' }), 'schema', /action/],
  [
    'survey with both forms',
    'surveys',
    json({ ...envelope, surveyKey: 'k', respondents: 2, satisfied: 1, score: 3, scale: 5 }),
    'schema',
    /either/,
  ],
  ['survey with neither form', 'surveys', json({ ...envelope, surveyKey: 'k' }), 'schema', /either/],
  [
    'survey satisfied above respondents',
    'surveys',
    json({ ...envelope, surveyKey: 'k', respondents: 2, satisfied: 3 }),
    'schema',
    /exceed/,
  ],
  ['survey score without scale', 'surveys', json({ ...envelope, surveyKey: 'k', score: 3 }), 'schema', /scale/],
  [
    'survey score above scale',
    'surveys',
    json({ ...envelope, surveyKey: 'k', score: 6, scale: 5 }),
    'schema',
    /exceed/,
  ],
  [
    'spending without a project',
    'spending',
    json({ ...envelope, amountYuan: 5 }),
    'schema',
    /projectName or projectId/,
  ],
  [
    'measurement unknown kind',
    'measurements',
    json({ ...envelope, indicatorId: 'i', kind: 'reset' }),
    'schema',
    /kind/,
  ],
  [
    'measurement set with numerator only',
    'measurements',
    json({ ...envelope, indicatorId: 'i', kind: 'set', value: 1, numerator: 1 }),
    'schema',
    /together/,
  ],
  [
    'measurement milestone without done',
    'measurements',
    json({ ...envelope, indicatorId: 'i', kind: 'milestone' }),
    'schema',
    /done/,
  ],
  [
    'assessment with unknown likelihood',
    'measurements',
    json({ ...envelope, indicatorId: 'i', kind: 'assessment', likelihood: '也许', text: 't' }),
    'schema',
    /likelihood/,
  ],
  [
    'huge extra string',
    'inspectionBatches',
    json({ ...batch, note: 'x'.repeat(9000) }),
    'too_large',
    /note: string longer/,
  ],
  [
    'huge extra array',
    'inspectionBatches',
    json({ ...batch, tags: new Array(1001).fill(0) }),
    'too_large',
    /tags: array longer/,
  ],
  [
    'too many keys',
    'inspectionBatches',
    json({ ...batch, ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])) }),
    'too_large',
    /keys/,
  ],
  ['deep nesting', 'inspectionBatches', json({ ...batch, extra: nest(10) }), 'too_deep', /nested deeper than 8 levels/],
  ['$-key at top level', 'inspectionBatches', json({ ...batch, $where: 'sleep(1000)' }), 'unsafe', /\$where/],
  ['$-key nested', 'inspectionBatches', json({ ...batch, meta: { q: { $gt: 1 } } }), 'unsafe', /meta\.q: key "\$gt"/],
  [
    '$-key inside an array',
    'cases',
    json({ ...envelope, caseId: 'c', action: 'opened', list: [{ $set: 1 }] }),
    'unsafe',
    /list\[0\]/,
  ],
  ['dotted key', 'inspectionBatches', json({ ...batch, 'a.b': 1 }), 'unsafe', /contains "\."/],
  [
    '__proto__ key',
    'inspectionBatches',
    Buffer.from(JSON.stringify(batch).replace(/}$/, ',"__proto__":{"isAdmin":true}}')),
    'unsafe',
    /__proto__/,
  ],
  [
    'constructor key nested',
    'surveys',
    json({ ...envelope, surveyKey: 'k', score: 1, scale: 5, x: { constructor: { prototype: 1 } } }),
    'unsafe',
    /constructor/,
  ],
  [
    'prototype key',
    'spending',
    json({ ...envelope, projectName: 'p', amountYuan: 1, prototype: 1 }),
    'unsafe',
    /prototype/,
  ],
];

describe('decodeActual rejects', () => {
  it.each(invalid.map(([n, r, b, c, m]) => [n, r, b, c, m ?? null] as const))(
    '%s → %s',
    (_name, role, bytes, cls, message) => {
      const decoded = decodeActual(role, bytes);
      expect(decoded.ok).toBe(false);
      if (decoded.ok) return;
      expect(decoded.reason.class).toBe(cls);
      if (message) expect(decoded.reason.message).toMatch(message);
      expect(decoded.reason.message.length).toBeLessThanOrEqual(1000);
    },
  );

  it('does not pollute Object.prototype with a __proto__ key', () => {
    decodeActual('inspectionBatches', Buffer.from('{"__proto__":{"polluted":true}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('judges the same event differently per topic', () => {
    expect(decodeActual('inspectionBatches', json(batch)).ok).toBe(true);
    expect(decodeActual('cases', json(batch))).toMatchObject({ ok: false, reason: { class: 'schema' } });
  });
});
