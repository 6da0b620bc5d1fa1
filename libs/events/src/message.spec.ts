import type { TopicRole } from '@iw/config';
import { decodeActual } from './decode';
import { buildDlqRecord, dlqRecordSchema, type DlqRecord } from './dlq';
import { keyFor, type MessageByRole } from './keys';
import { buildMessage, InvalidEventError } from './message';
import type { ProgressMessage } from './progress-message';

const envelope = { eventId: 'e-1', occurredAt: '2019-04-12T10:30:00+08:00', source: 's', schemaVersion: 1 as const };
const progress: ProgressMessage = {
  schemaVersion: 1,
  trackedId: '2019.p.i~期',
  indicatorId: '2019.p.i',
  projectId: '2019.p',
  measure: 'sum',
  actual: 3,
  numerator: 3,
  lastEventAt: '2019-04-12T10:30:00+08:00',
  version: 4,
  at: '2019-04-12T10:31:00+08:00',
};
const dlq: DlqRecord = buildDlqRecord({
  topic: 'actuals.cases',
  partition: 1,
  offset: '7',
  key: null,
  value: Buffer.from('x'),
  reason: { class: 'not_json', message: 'Unexpected token' },
  at: '2019-04-12T10:31:00+08:00',
});

const keys: Array<[string, TopicRole, MessageByRole[TopicRole], string]> = [
  ['inspection: category, normalised', 'inspectionBatches', { ...envelope, category: ' 汽油 ', batches: 1 }, '汽油'],
  ['case: caseId', 'cases', { ...envelope, caseId: 'C-9', action: 'opened' }, 'C-9'],
  [
    'survey: surveyKey (full-width folded)',
    'surveys',
    { ...envelope, surveyKey: '满意度（Ａ）', score: 1, scale: 5 },
    '满意度(A)',
  ],
  [
    'spending: projectName as id segment',
    'spending',
    { ...envelope, projectName: '信息化新建、软硬件维保、电路租用项目', amountYuan: 1 },
    '信息化新建软硬件维保电路租用项目',
  ],
  [
    'spending: projectId without its year',
    'spending',
    { ...envelope, projectId: '2019.信息化新建软硬件维保电路租用项目', amountYuan: 1 },
    '信息化新建软硬件维保电路租用项目',
  ],
  [
    'measurement: indicator id',
    'measurements',
    { ...envelope, indicatorId: '2019.p.i', kind: 'increment', value: 1 },
    '2019.p.i',
  ],
  [
    'measurement: part id keyed by its indicator',
    'measurements',
    { ...envelope, indicatorId: '2019.p.i~期', kind: 'increment', value: 1 },
    '2019.p.i',
  ],
  ['dlq: topic/partition when the original had no key', 'dlq', dlq, 'actuals.cases/1'],
  ['dlq: the original key', 'dlq', { ...dlq, key: '汽油' }, '汽油'],
  ['progress: trackedId', 'progress', progress, '2019.p.i~期'],
];

describe('keyFor', () => {
  it.each(keys)('%s', (_n, role, event, key) => expect(keyFor(role, event)).toBe(key));
});

describe('buildMessage', () => {
  it.each(keys)('keys and serialises: %s', (_n, role, event, key) => {
    const m = buildMessage(role, event);
    expect(m.key).toBe(key);
    expect(JSON.parse(m.value)).toEqual(event);
  });

  it('produces exactly what the consumer decodes', () => {
    const event = { ...envelope, category: '柴油', batches: 4, qualifiedBatches: 4, extra: { lab: 7 } };
    const m = buildMessage('inspectionBatches', event);
    expect(decodeActual('inspectionBatches', Buffer.from(m.value))).toEqual({ ok: true, event });
  });

  const bad: Array<[string, TopicRole, unknown, string]> = [
    ['negative count', 'inspectionBatches', { ...envelope, category: '汽油', batches: -1 }, 'negative_count'],
    ['NaN (serialised as null)', 'inspectionBatches', { ...envelope, category: '汽油', batches: NaN }, 'schema'],
    ['Infinity', 'spending', { ...envelope, projectName: 'p', amountYuan: Infinity }, 'schema'],
    [
      'occurredAt without offset',
      'cases',
      { ...envelope, occurredAt: '2019-04-12 10:30', caseId: 'c', action: 'opened' },
      'schema',
    ],
    ['$ key', 'cases', { ...envelope, caseId: 'c', action: 'opened', $x: 1 }, 'unsafe'],
    [
      'too large',
      'cases',
      {
        ...envelope,
        caseId: 'c',
        action: 'opened',
        pad: 'x'.repeat(8000),
        pad2: 'x'.repeat(8000),
        pad3: 'y'.repeat(8000),
        p4: 'z'.repeat(8000),
        p5: 'z'.repeat(8000),
        p6: 'z'.repeat(8000),
        p7: 'z'.repeat(8000),
        p8: 'z'.repeat(8000),
        p9: 'z'.repeat(8000),
      },
      'too_large',
    ],
    ['progress without trackedId', 'progress', { ...progress, trackedId: undefined }, 'schema'],
    ['progress with extra field', 'progress', { ...progress, extra: 1 }, 'schema'],
    ['dlq with unknown reason class', 'dlq', { ...dlq, reason: { class: 'oops', message: '' } }, 'schema'],
  ];
  it.each(bad)('refuses %s', (_n, role, event, cls) => {
    let thrown: unknown;
    try {
      buildMessage(role, event as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvalidEventError);
    expect((thrown as InvalidEventError).reason.class).toBe(cls);
  });
});

describe('buildDlqRecord', () => {
  it('keeps the original bytes, a lossy preview and the reason', () => {
    const value = Buffer.concat([Buffer.from('{"category":"'), Buffer.from([0xff]), Buffer.from('汽油"}')]);
    const r = buildDlqRecord({
      topic: 'actuals.inspection-batches',
      partition: 0,
      offset: '12',
      key: Buffer.from('汽油'),
      value,
      reason: { class: 'invalid_utf8', message: 'm'.repeat(5000) },
      at: '2019-04-12T10:31:00+08:00',
    });
    expect(Buffer.from(r.originalBase64, 'base64').equals(value)).toBe(true);
    expect(r).toMatchObject({
      key: '汽油',
      originalSize: value.length,
      truncated: false,
      preview: '{"category":"\ufffd汽油"}',
    });
    expect(r.reason.message).toHaveLength(1000);
    expect(dlqRecordSchema.safeParse(r).success).toBe(true);
  });

  it('truncates very large originals and previews', () => {
    const value = Buffer.alloc(600 * 1024, 0x61);
    const r = buildDlqRecord({
      topic: 't',
      partition: 0,
      offset: '1',
      key: null,
      value,
      reason: { class: 'too_large', message: '' },
      at: '2019-04-12T10:31:00Z',
    });
    expect(r.truncated).toBe(true);
    expect(r.originalSize).toBe(value.length);
    expect(Buffer.from(r.originalBase64, 'base64')).toHaveLength(512 * 1024);
    expect(r.preview).toHaveLength(2000);
    expect(dlqRecordSchema.safeParse(r).success).toBe(true);
  });

  it('records a tombstone as empty', () => {
    const r = buildDlqRecord({
      topic: 't',
      partition: 3,
      offset: '9',
      key: 'k',
      value: null,
      reason: { class: 'not_json', message: 'empty message' },
      at: '2019-04-12T10:31:00Z',
    });
    expect(r).toMatchObject({ originalBase64: '', originalSize: 0, preview: '', key: 'k' });
  });
});
