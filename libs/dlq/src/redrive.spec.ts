import type { DlqDoc, DlqFilter, DlqRedriveDoc } from '@iw/mongo';
import { redrive, redriveDecision, type RedriveMessage, type RedriveStore } from './redrive';

const now = new Date('2019-07-01T10:00:00Z');
const ago = (min: number) => new Date(now.getTime() - min * 60_000);
const claim = (attempt: number, state: 'claimed' | 'published', at: Date) => ({ attempt, state, at });
const keptBytes = { originalBase64: 'e30=', originalSize: 2 };

describe('redriveDecision', () => {
  it.each([
    ['never redriven', keptBytes, [], { action: 'claim', attempt: 1 }],
    ['published once', keptBytes, [claim(1, 'published', ago(60))], { action: 'skip', why: 'published' }],
    [
      'published on a second attempt',
      keptBytes,
      [claim(1, 'claimed', ago(90)), claim(2, 'published', ago(60))],
      { action: 'skip', why: 'published' },
    ],
    [
      'claimed a minute ago (running now)',
      keptBytes,
      [claim(1, 'claimed', ago(1))],
      { action: 'skip', why: 'in_progress' },
    ],
    [
      'claimed an hour ago, never confirmed',
      keptBytes,
      [claim(1, 'claimed', ago(60))],
      { action: 'claim', attempt: 2 },
    ],
    ['bytes not kept (over the limit)', { originalSize: 70_000 }, [], { action: 'skip', why: 'not_redrivable' }],
    ['recorded before redrives existed', {}, [], { action: 'skip', why: 'not_redrivable' }],
  ] as const)('%s', (_name, doc, claims, expected) => {
    expect(redriveDecision(doc, claims, now)).toMatchObject(expected);
  });
});

/** The store as the repository behaves: claims by unique id. */
function memoryStore(docs: DlqDoc[]) {
  const claims = new Map<string, DlqRedriveDoc>();
  const store: RedriveStore & { claims: typeof claims; docs: DlqDoc[] } = {
    claims,
    docs,
    select: (f: DlqFilter) =>
      Promise.resolve(
        docs.filter((d) => (!f.reasons || f.reasons.includes(d.reasonClass)) && (!f.ids || f.ids.includes(d._id))),
      ),
    redrives: (ids) => {
      const out = new Map<string, DlqRedriveDoc[]>();
      for (const c of claims.values()) if (ids.includes(c.dlqId)) out.set(c.dlqId, [...(out.get(c.dlqId) ?? []), c]);
      return Promise.resolve(out);
    },
    claimRedrives: (list, by, at) => {
      const won = new Set<string>();
      for (const { dlqId, attempt } of list) {
        const id = `${dlqId}#${attempt}`;
        if (claims.has(id)) continue;
        claims.set(id, { _id: id, dlqId, attempt, by, at, state: 'claimed' });
        won.add(dlqId);
      }
      return Promise.resolve(won);
    },
    markRedriven: (list, at) => {
      for (const c of list)
        Object.assign(claims.get(`${c.dlqId}#${c.attempt}`)!, { state: 'published', publishedAt: at });
      return Promise.resolve();
    },
  };
  return store;
}

const doc = (offset: number, reasonClass: string, extra: Partial<DlqDoc> = {}): DlqDoc => ({
  _id: `t.actuals.spending:0:${offset}`,
  topic: 't.actuals.spending',
  partition: 0,
  offset: String(offset),
  key: `k${offset}`,
  reasonClass,
  reason: 'x',
  preview: '{}',
  at: ago(100 - offset),
  originalBase64: Buffer.from(`{"n":${offset}}`).toString('base64'),
  originalSize: 8,
  ...extra,
});

describe('redrive', () => {
  it('republishes the original bytes and key with a header naming the record, then never again', async () => {
    const store = memoryStore([doc(1, 'unknown_project'), doc(2, 'unknown_project'), doc(3, 'schema')]);
    const sent: Array<[string, RedriveMessage]> = [];
    const sink = {
      send: (topic: string, m: RedriveMessage[]) =>
        Promise.resolve(void sent.push(...m.map((x) => [topic, x] as [string, RedriveMessage]))),
    };
    const o = { by: 'ops', now: () => now };
    const first = await redrive({ reasons: ['unknown_project'] }, store, sink, o);
    expect(first).toMatchObject({ selected: 2, republished: 2, skipped: 0, failed: 0 });
    expect(sent.map(([t, m]) => [t, m.key, m.value.toString(), m.headers])).toEqual([
      ['t.actuals.spending', 'k1', '{"n":1}', { 'iw-redrive-of': 't.actuals.spending:0:1' }],
      ['t.actuals.spending', 'k2', '{"n":2}', { 'iw-redrive-of': 't.actuals.spending:0:2' }],
    ]);
    const again = await redrive({ reasons: ['unknown_project'] }, store, sink, o);
    expect(again).toMatchObject({ selected: 2, republished: 0, skipped: 2 });
    expect(sent).toHaveLength(2);
  });

  it('a dry run claims and sends nothing', async () => {
    const store = memoryStore([doc(1, 'unbound')]);
    const report = await redrive({}, store, null, { by: 'ops', now: () => now, dryRun: true });
    expect(report.outcomes.map((x) => x.outcome)).toEqual(['would_republish']);
    expect(store.claims.size).toBe(0);
  });

  it('two redrives at once republish each record once', async () => {
    const store = memoryStore([doc(1, 'unbound'), doc(2, 'unbound'), doc(3, 'unbound')]);
    const sent: RedriveMessage[] = [];
    const sink = { send: async (_t: string, m: RedriveMessage[]) => void sent.push(...m) };
    const reports = await Promise.all([1, 2, 3].map(() => redrive({}, store, sink, { by: 'ops', now: () => now })));
    expect(sent.map((m) => m.headers['iw-redrive-of']).sort()).toEqual(store.docs.map((d) => d._id).sort());
    expect(reports.reduce((n, r) => n + r.republished, 0)).toBe(3);
  });

  it('a failed send leaves the records claimed; a later redrive retries them once the claim is stale', async () => {
    const store = memoryStore([doc(1, 'unbound')]);
    const failing = { send: () => Promise.reject(new Error('broker down')) };
    const r1 = await redrive({}, store, failing, { by: 'ops', now: () => now });
    expect(r1.outcomes[0]).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/broker down/) });
    const sent: RedriveMessage[] = [];
    const ok = { send: async (_t: string, m: RedriveMessage[]) => void sent.push(...m) };
    expect(await redrive({}, store, ok, { by: 'ops', now: () => new Date(now.getTime() + 60_000) })).toMatchObject({
      skipped: 1,
    });
    expect(await redrive({}, store, ok, { by: 'ops', now: () => new Date(now.getTime() + 11 * 60_000) })).toMatchObject(
      {
        republished: 1,
      },
    );
    expect(sent).toHaveLength(1);
    expect([...store.claims.keys()]).toEqual(['t.actuals.spending:0:1#1', 't.actuals.spending:0:1#2']);
  });

  it('skips records whose bytes were not kept, saying why', async () => {
    const store = memoryStore([doc(1, 'too_large', { originalBase64: undefined, originalSize: 70_000 })]);
    const report = await redrive({}, store, { send: () => Promise.resolve() }, { by: 'ops', now: () => now });
    expect(report.outcomes[0]).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringMatching(/over the message limit/),
    });
  });
});
