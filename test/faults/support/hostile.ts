/**
 * Bad messages for the actuals topics, generated: every kind of bad input, in several
 * variants each, each with the DLQ reason classes it may honestly get. Every message's Kafka
 * key is unique (`<run>-bad-<i>`), and the DLQ keeps the key, so each one can be found there.
 */
import type { TopicRole } from '@iw/config';
import type { DlqReasonClass } from '@iw/events';
import type { Ids } from '../../integration/ingest/traffic';
import type { RawMessage } from './stream';

export interface HostileMessage extends RawMessage {
  key: string;
  kind: string;
  allowed: DlqReasonClass[];
}

type Obj = Record<string, unknown>;

const INSPECT = '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费';

function base(eventId: string): Obj {
  return { eventId, occurredAt: '2019-05-01T10:00:00+08:00', source: 'faults', schemaVersion: 1 };
}

function nest(depth: number): Obj {
  let v: Obj = { leaf: 1 };
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** One generator per kind: variant number → [role, value] (an object is JSON-encoded). */
const KINDS: Array<{
  kind: string;
  allowed: DlqReasonClass[];
  make: (id: string, v: number, ids: Ids) => [TopicRole, Obj | string | Buffer];
}> = [
  {
    kind: 'not JSON',
    allowed: ['not_json'],
    make: (id, v) => {
      const texts = [
        `{not json ${id}`,
        `${id}`,
        '[1, 2',
        '{"eventId": }',
        'NaN',
        `{"eventId":"${id}","batches": NaN}`,
        `{"eventId":"${id}","batches": Infinity}`,
        `{"eventId":"${id}",}`,
        "{'single':'quotes'}",
        '',
      ];
      return ['inspectionBatches', texts[v % texts.length]];
    },
  },
  {
    kind: 'invalid UTF-8',
    allowed: ['invalid_utf8'],
    make: (id, v) => {
      const bad = [
        Buffer.from([0xc3, 0x28]),
        Buffer.from([0xff, 0xfe]),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from([0xe2, 0x82]),
      ][v % 4];
      return [
        (['inspectionBatches', 'cases', 'surveys', 'spending'] as const)[v % 4],
        Buffer.concat([Buffer.from(`{"eventId":"${id}","category":"`), bad, Buffer.from('","batches":1}')]),
      ];
    },
  },
  {
    kind: 'wrong types',
    allowed: ['schema'],
    make: (id, v) => {
      const variants: Obj[] = [
        { ...base(id), category: '汽油', batches: '12' },
        { ...base(id), category: 5, batches: 1 },
        { ...base(id), occurredAt: 1_556_676_000_000, category: '汽油', batches: 1 },
        { ...base(id), eventId: { id }, category: '汽油', batches: 1 },
        { ...base(id), category: '汽油', batches: true },
        { ...base(id), category: '汽油', batches: 1.5 },
        { ...base(id), category: ['汽油'], batches: 1 },
        { ...base(id), category: '汽油', batches: null },
      ];
      return ['inspectionBatches', variants[v % variants.length]];
    },
  },
  {
    kind: 'not an object',
    allowed: ['schema'],
    make: (_id, v) => ['surveys', ['[1,2,3]', '"a string"', '42', 'null', 'true', '[]'][v % 6]],
  },
  {
    kind: 'missing fields',
    allowed: ['schema'],
    make: (id, v) => {
      const full: Obj = { ...base(id), category: '汽油', batches: 3 };
      const drop = ['eventId', 'occurredAt', 'source', 'category', 'batches'][v % 5];
      const { [drop]: _, ...rest } = full;
      return v % 10 < 5 ? ['inspectionBatches', rest] : ['cases', { ...base(id), action: 'opened' }];
    },
  },
  {
    kind: 'huge string',
    allowed: ['too_large'],
    make: (id, v) => [
      'inspectionBatches',
      v % 2
        ? { ...base(id), category: '汽'.repeat(9000), batches: 1 }
        : { ...base(id), category: '汽油', batches: 1, note: 'x'.repeat(20_000) },
    ],
  },
  {
    kind: 'huge message (> 64 KiB)',
    allowed: ['too_large'],
    make: (id) => [
      'inspectionBatches',
      { ...base(id), category: '汽油', batches: 1, pad: Array.from({ length: 100 }, () => 'y'.repeat(700)) },
    ],
  },
  {
    kind: 'huge array',
    allowed: ['too_large'],
    make: (id, v) => [
      'cases',
      {
        ...base(id),
        caseId: id,
        action: 'opened',
        projectName: INSPECT,
        tags: Array.from({ length: 1500 + v }, (_, i) => i),
      },
    ],
  },
  {
    kind: 'too many keys',
    allowed: ['too_large'],
    make: (id) => [
      'spending',
      {
        ...base(id),
        projectName: INSPECT,
        amountYuan: 1,
        ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])),
      },
    ],
  },
  {
    kind: 'deep nesting',
    allowed: ['too_deep'],
    make: (id, v) =>
      v % 2
        ? ['inspectionBatches', { ...base(id), category: '汽油', batches: 1, meta: nest(40 + v) }]
        : ['inspectionBatches', `{"eventId":"${id}","x":${'['.repeat(5000)}${']'.repeat(5000)}}`],
  },
  {
    kind: '$-prefixed keys',
    allowed: ['unsafe'],
    make: (id, v) => {
      const variants: Obj[] = [
        { ...base(id), category: '汽油', batches: 1, $where: 'sleep(1000)' },
        { ...base(id), category: { $ne: null }, batches: 1 },
        { ...base(id), category: '汽油', batches: { $gt: 0 } },
        { ...base(id), category: '汽油', batches: 1, meta: { $set: { actual: 1e9 } } },
        { ...base(id), category: '汽油', batches: 1, list: [{ $inc: { eventCount: 1 } }] },
      ];
      return ['inspectionBatches', variants[v % variants.length]];
    },
  },
  {
    kind: 'dotted keys',
    allowed: ['unsafe'],
    make: (id, v) => {
      const variants: Obj[] = [
        { ...base(id), category: '汽油', batches: 1, 'applied.x': 1 },
        { ...base(id), category: '汽油', batches: 1, meta: { 'a.b': 2 } },
        { ...base(id), projectName: INSPECT, amountYuan: 1, 'numerator.': 5 },
      ];
      return [v % 3 === 2 ? 'spending' : 'inspectionBatches', variants[v % variants.length]];
    },
  },
  {
    kind: '__proto__/constructor keys',
    allowed: ['unsafe'],
    make: (id, v) => {
      const fields = `"eventId":"${id}","occurredAt":"2019-05-01T10:00:00+08:00","source":"faults","schemaVersion":1,"category":"汽油","batches":1`;
      const texts = [
        `{${fields},"__proto__":{"polluted":true}}`,
        `{"__proto__":{"batches":1000},${fields}}`,
        `{${fields},"constructor":{"prototype":{"polluted":true}}}`,
        `{${fields},"meta":{"__proto__":{"isAdmin":true}}}`,
        `{${fields},"prototype":1}`,
      ];
      return ['inspectionBatches', texts[v % texts.length]];
    },
  },
  {
    kind: 'NaN/Infinity/negative counts',
    allowed: ['negative_count', 'schema', 'not_json'],
    make: (id, v) => {
      const texts: Array<[TopicRole, Obj | string]> = [
        ['inspectionBatches', { ...base(id), category: '汽油', batches: -5 }],
        ['inspectionBatches', { ...base(id), category: '食品', batches: 3, qualifiedBatches: -1 }],
        ['inspectionBatches', { ...base(id), category: '汽油', batches: 2, costYuan: -100 }],
        ['spending', { ...base(id), projectName: INSPECT, amountYuan: -1 }],
        ['surveys', { ...base(id), surveyKey: '被检单位对抽检工作的满意度', respondents: -3, satisfied: 0 }],
        [
          'inspectionBatches',
          `{"eventId":"${id}","occurredAt":"2019-05-01T10:00:00+08:00","source":"faults","schemaVersion":1,"category":"汽油","batches":1e400}`,
        ],
        [
          'inspectionBatches',
          `{"eventId":"${id}","occurredAt":"2019-05-01T10:00:00+08:00","source":"faults","schemaVersion":1,"category":"汽油","batches":-1e400}`,
        ],
        ['inspectionBatches', { ...base(id), category: '汽油', batches: Number.MAX_SAFE_INTEGER * 4 }],
      ];
      return texts[v % texts.length];
    },
  },
  {
    kind: 'timestamps far future/past',
    allowed: ['out_of_period', 'future_event', 'schema'],
    make: (id, v) => {
      const at = [
        '2999-12-31T00:00:00+08:00',
        '1900-01-01T00:00:00+08:00',
        '0001-01-01T00:00:00Z',
        '2019-13-45T10:00:00+08:00',
        '+275760-09-13T00:00:00.000Z',
        'yesterday',
        '2019-05-01',
      ][v % 7];
      return ['inspectionBatches', { ...base(id), occurredAt: at, category: '汽油', batches: 1 }];
    },
  },
  {
    kind: 'unknown indicators',
    allowed: ['unknown_indicator'],
    make: (id, v) => [
      'measurements',
      {
        ...base(id),
        indicatorId: [
          '2019.不存在的项目.不存在的指标',
          '2019.x',
          `${'z'.repeat(200)}`,
          '2018.流通领域商品.汽油抽检批次',
        ][v % 4],
        kind: 'increment',
        value: 1,
      },
    ],
  },
  {
    kind: 'unknown projects',
    allowed: ['unknown_project', 'unbound'],
    make: (id, v) =>
      [
        ['spending', { ...base(id), projectName: '不存在的项目', amountYuan: 10 }],
        ['spending', { ...base(id), projectId: '2019.nope', amountYuan: 10 }],
        ['cases', { ...base(id), caseId: id, action: 'opened', projectName: '不存在的项目' }],
        ['inspectionBatches', { ...base(id), category: '不存在的品类', batches: 4 }],
        // A bound category or survey: without the project check these would be counted.
        ['inspectionBatches', { ...base(id), category: '汽油', batches: 4, projectName: '不存在的项目' }],
        [
          'surveys',
          { ...base(id), surveyKey: '社会公众满意度', projectName: '2018年的项目', respondents: 3, satisfied: 2 },
        ],
      ][v % 6] as [TopicRole, Obj],
  },
  {
    kind: 'NUL/odd keys, bad version',
    allowed: ['unsafe', 'unsupported_version', 'schema'],
    make: (id, v) =>
      [
        ['inspectionBatches', { ...base(id), category: '汽油', batches: 1, 'a\u0000b': 1 }],
        ['inspectionBatches', { ...base(id), schemaVersion: 2, category: '汽油', batches: 1 }],
        ['inspectionBatches', { ...base(id), schemaVersion: '1', category: '汽油', batches: 1 }],
        ['measurements', { ...base(id), indicatorId: '2019.x', kind: 'drop_database', value: 1 }],
      ][v % 4] as [TopicRole, Obj],
  },
];

export const HOSTILE_KINDS = KINDS.map((k) => k.kind);

/** `n` bad messages, the kinds in turn (so every kind has about n / kinds of them). */
export function generateHostile(n: number, runId: string, ids: Ids): HostileMessage[] {
  const out: HostileMessage[] = [];
  for (let i = 0; i < n; i++) {
    const k = KINDS[i % KINDS.length];
    const variant = Math.floor(i / KINDS.length);
    const key = `${runId}-bad-${i}`;
    const [role, value] = k.make(key, variant, ids);
    out.push({
      role,
      key,
      kind: k.kind,
      allowed: k.allowed,
      value: typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value),
    });
  }
  return out;
}

/** `bad` spread at random (seeded) over `good`, order within each kept. */
export function interleave<T>(good: readonly T[], bad: readonly T[], r: () => number): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < good.length || j < bad.length) {
    const takeBad = j < bad.length && (i >= good.length || r() < (bad.length - j) / (good.length - i + bad.length - j));
    out.push(takeBad ? bad[j++] : good[i++]);
  }
  return out;
}
