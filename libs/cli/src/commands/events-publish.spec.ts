import { Readable } from 'node:stream';
import { loadConfig } from '@iw/config';
import type { ActualsRole } from '@iw/events';
import { memoryIo } from '../cli-io';
import { CliError } from '../errors';
import { eventsPublish, publishLines } from './events-publish';

const envelope = (id: string) => ({
  eventId: id,
  occurredAt: '2019-04-12T10:30:00+08:00',
  source: 'lab7',
  schemaVersion: 1,
});
const batch = (id: string, extra: object = {}) =>
  JSON.stringify({ ...envelope(id), category: '汽油', batches: 12, qualifiedBatches: 11, ...extra });

function sink() {
  const sent: Array<{ role: ActualsRole; key: string | null; value: string }> = [];
  return {
    sent,
    send: async (role: ActualsRole, messages: ReadonlyArray<{ key: string | null; value: string }>) =>
      void sent.push(...messages.map((m) => ({ role, ...m }))),
  };
}

describe('publishLines', () => {
  it('publishes the valid lines keyed by the contract and reports each bad one with its line number', async () => {
    const text = [
      '\uFEFF' + batch('e1'), // 1: a BOM is not an error
      '', // 2: blank lines are skipped
      batch('e2', { category: '柴油' }), // 3
      '{"eventId":', // 4: truncated
      batch('e3', { batches: -1 }), // 5: negative count
      batch('e4', { batches: '12' }), // 6: schema
      batch('e5', { $where: '1' }), // 7: unsafe
      '   ', // 8
      batch('e6', { category: '化肥' }), // 9
    ].join('\r\n');
    const s = sink();
    const result = await publishLines('inspectionBatches', Readable.from([text]), s);
    expect(result.published).toBe(3);
    expect(result.lines).toBe(7);
    expect(s.sent.map((m) => [m.key, JSON.parse(m.value).eventId])).toEqual([
      ['汽油', 'e1'],
      ['柴油', 'e2'],
      ['化肥', 'e6'],
    ]);
    expect(result.bad.map((b) => [b.line, b.message.split(':')[0]])).toEqual([
      [4, 'not JSON'],
      [5, 'negative_count'],
      [6, 'schema'],
      [7, 'unsafe'],
    ]);
  });

  it('sends in batches of the given size, in order', async () => {
    const lines = Array.from({ length: 7 }, (_, i) => batch(`e${i}`)).join('\n');
    const sizes: number[] = [];
    const result = await publishLines(
      'inspectionBatches',
      Readable.from([lines]),
      { send: async (_r, m) => void sizes.push(m.length) },
      3,
    );
    expect(sizes).toEqual([3, 3, 1]);
    expect(result).toEqual({ published: 7, lines: 7, bad: [] });
  });

  it('refuses events dated beyond the clock-skew allowance, as ingest does (future_event)', async () => {
    const now = Date.parse('2019-07-01T10:00:00+08:00');
    const lines = [
      batch('past'), // 12 April
      batch('skew', { occurredAt: '2019-07-01T10:04:00+08:00' }), // within 5 minutes
      batch('oct', { occurredAt: '2019-10-28T17:30:00+08:00' }),
    ].join('\n');
    const s = sink();
    const result = await publishLines('inspectionBatches', Readable.from([lines]), s, 500, {
      now,
      maxSkewMs: 5 * 60_000,
    });
    expect(s.sent.map((m) => JSON.parse(m.value).eventId)).toEqual(['past', 'skew']);
    expect(result.bad).toEqual([{ line: 3, message: expect.stringMatching(/^future_event: occurredAt 2019-10-28/) }]);
  });

  it('--corrects sets corrects (and --retract retract) on the one event; a second event is a usage error; the field in the JSON works too', async () => {
    const s = sink();
    await publishLines(
      'inspectionBatches',
      Readable.from(batch('fix', { batches: 5, qualifiedBatches: 5 }) + '\n'),
      s,
      500,
      undefined,
      {
        corrects: 'e1',
        retract: false,
      },
    );
    expect(JSON.parse(s.sent[0].value)).toMatchObject({ eventId: 'fix', corrects: 'e1', batches: 5 });
    expect(JSON.parse(s.sent[0].value).retract).toBeUndefined();
    const r = sink();
    await publishLines('inspectionBatches', Readable.from(batch('undo') + '\n'), r, 500, undefined, {
      corrects: 'e1',
      retract: true,
    });
    expect(JSON.parse(r.sent[0].value)).toMatchObject({ corrects: 'e1', retract: true });
    const two = sink();
    await expect(
      publishLines('inspectionBatches', Readable.from(`${batch('a')}\n${batch('b')}\n`), two, 500, undefined, {
        corrects: 'e1',
        retract: false,
      }),
    ).rejects.toThrow(/one event/);
    expect(two.sent).toEqual([]);
    const inline = sink();
    const res = await publishLines(
      'inspectionBatches',
      Readable.from(
        `${batch('c1', { corrects: 'e1' })}\n${batch('c2', { corrects: 'c2' })}\n${batch('c3', { retract: true })}\n`,
      ),
      inline,
    );
    expect(inline.sent.map((m) => JSON.parse(m.value).eventId)).toEqual(['c1']);
    expect(res.bad.map((b) => b.message)).toEqual([
      expect.stringMatching(/schema: corrects: an event cannot correct itself/),
      expect.stringMatching(/schema: retract: goes with corrects/),
    ]);
  });

  it('validates against the topic given: a case is not an inspection batch', async () => {
    const result = await publishLines('cases', Readable.from([batch('e1')]), null);
    expect(result.published).toBe(0);
    expect(result.bad).toEqual([{ line: 1, message: expect.stringMatching(/^schema: .*caseId/) }]);
  });
});

describe('eventsPublish', () => {
  const config = loadConfig({}, '/nonexistent/.env');

  it.each(['actuals.dlq', 'progress', 'nope'])('refuses %s as a topic (usage error)', async (topic) => {
    const io = memoryIo();
    const err = await eventsPublish(topic, '-', { dryRun: true }, io, { config, stdin: Readable.from(['']) }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect(err.exitCode).toBe(2);
  });

  it('dry run: validates stdin, publishes nothing, fails naming the bad lines', async () => {
    const io = memoryIo();
    const stdin = Readable.from([[batch('e1'), 'oops', batch('e2')].join('\n')]);
    const err = await eventsPublish('actuals.inspection-batches', '-', { dryRun: true }, io, { config, stdin }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect(io.stderr()).toMatch(/^stdin:2: not JSON/);
    expect(io.stdout()).toBe('2 of 3 events valid (dry run, nothing published); 1 bad line(s) skipped\n');
  });

  it('says when the file cannot be read', async () => {
    await expect(
      eventsPublish('cases', '/nonexistent/events.jsonl', { dryRun: true }, memoryIo(), { config }),
    ).rejects.toThrow(/cannot read .*ENOENT/);
  });
});
