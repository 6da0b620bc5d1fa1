import * as fs from 'node:fs';
import * as path from 'node:path';
import { keyFor } from './keys';
import type { DlqRecord } from './dlq';

const root = path.resolve(__dirname, '../../..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

const record = {
  schemaVersion: 1,
  topic: 'actuals.cases',
  partition: 4,
  offset: '991',
  key: null,
  originalBase64: '',
  originalSize: 0,
  truncated: false,
  preview: '',
  reason: { class: 'not_json', message: 'empty message' },
  at: '2019-04-12T10:30:00+08:00',
} as DlqRecord;

describe('the DLQ message key, as the code and the contract documents say it', () => {
  it('is the rejected message’s own key, else topic/partition (never its offset)', () => {
    expect(keyFor('dlq', { ...record, key: 'c-2019-000871' })).toBe('c-2019-000871');
    expect(keyFor('dlq', record)).toBe('actuals.cases/4');
  });

  it('docs/events.md and docs/asyncapi.yaml say the same', () => {
    expect(read('docs/events.md')).toContain("| `actuals.dlq` | the rejected message's key, else `topic/partition` |");
    expect(read('docs/asyncapi.yaml')).toContain(
      "key: { type: string, description: 'the rejected message''s key, else `topic/partition`' }",
    );
    expect(read('docs/events.md')).not.toMatch(/dlq[^\n]*topic:partition:offset[^\n]*key/i);
  });
});
