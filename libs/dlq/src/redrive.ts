import { REDRIVE_HEADER } from '@iw/events';
import type { DlqDoc, DlqFilter, DlqRedriveDoc } from '@iw/mongo';

/**
 * Republishing rejected messages once what rejected them is fixed (a binding, the catalogue):
 * each selected DLQ record's original bytes and key go back to their topic, with a header
 * naming the record. Every record is republished at most once: a redrive claims it by inserting
 * `<record>#<attempt>` (atomic on FerretDB too) before it publishes, and marks it published after
 * the brokers acknowledged. A claim that a crash left unconfirmed is taken over by the next
 * attempt once it is older than `staleMs`; if it had in fact been published, ingest counts the
 * event once anyway (the event id is the idempotency key).
 */

/** How long an unconfirmed claim blocks another redrive of the same record. */
export const REDRIVE_STALE_MS = 10 * 60_000;

export type RedriveDecision =
  | { action: 'claim'; attempt: number }
  | { action: 'skip'; why: 'published' | 'in_progress' | 'not_redrivable'; detail: string };

/** What to do with one record, given its earlier redrive claims (oldest first). Pure. */
export function redriveDecision(
  doc: Pick<DlqDoc, 'originalBase64' | 'originalSize'>,
  claims: readonly Pick<DlqRedriveDoc, 'attempt' | 'state' | 'at' | 'publishedAt'>[],
  now: Date,
  staleMs = REDRIVE_STALE_MS,
): RedriveDecision {
  const published = claims.find((c) => c.state === 'published');
  if (published)
    return {
      action: 'skip',
      why: 'published',
      detail: `already republished ${(published.publishedAt ?? published.at).toISOString()}`,
    };
  if (doc.originalBase64 === undefined)
    return {
      action: 'skip',
      why: 'not_redrivable',
      detail:
        doc.originalSize === undefined
          ? 'the original bytes were not kept (recorded before redrives existed): republish from actuals.dlq by hand'
          : `${doc.originalSize} bytes, over the message limit: it would be rejected again`,
    };
  const last = claims[claims.length - 1];
  if (last && now.getTime() - last.at.getTime() < staleMs)
    return { action: 'skip', why: 'in_progress', detail: `being republished since ${last.at.toISOString()}` };
  return { action: 'claim', attempt: (last?.attempt ?? 0) + 1 };
}

export interface RedriveStore {
  select(filter: DlqFilter): Promise<DlqDoc[]>;
  redrives(ids: readonly string[]): Promise<Map<string, DlqRedriveDoc[]>>;
  /** The record ids whose claim this call won (a lost one is held by a concurrent redrive). */
  claimRedrives(claims: ReadonlyArray<{ dlqId: string; attempt: number }>, by: string, at: Date): Promise<Set<string>>;
  markRedriven(claims: ReadonlyArray<{ dlqId: string; attempt: number; by: string }>, at: Date): Promise<void>;
}

export interface RedriveMessage {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** Publishes to one topic; resolves once the brokers acknowledged every message (acks=all). */
export interface RedriveSink {
  send(topic: string, messages: RedriveMessage[]): Promise<void>;
}

export interface RedriveOutcome {
  id: string;
  topic: string;
  reasonClass: string;
  outcome: 'republished' | 'would_republish' | 'skipped' | 'failed';
  detail?: string;
}

export interface RedriveReport {
  selected: number;
  /** Record ids the selection named (`--ids`) that are not in the DLQ collection. */
  missing: string[];
  republished: number;
  skipped: number;
  failed: number;
  outcomes: RedriveOutcome[];
}

export interface RedriveOptions {
  dryRun?: boolean;
  /** Who asked (recorded with each claim). */
  by: string;
  now: () => Date;
  staleMs?: number;
  /** Messages per send. */
  chunk?: number;
}

export async function redrive(
  filter: DlqFilter,
  store: RedriveStore,
  sink: RedriveSink | null,
  o: RedriveOptions,
): Promise<RedriveReport> {
  const docs = await store.select(filter);
  const claims = await store.redrives(docs.map((d) => d._id));
  const outcomes: RedriveOutcome[] = [];
  const toClaim: Array<{ doc: DlqDoc; attempt: number }> = [];
  for (const doc of docs) {
    const base = { id: doc._id, topic: doc.topic, reasonClass: doc.reasonClass };
    const decision = redriveDecision(doc, claims.get(doc._id) ?? [], o.now(), o.staleMs);
    if (decision.action === 'skip') {
      outcomes.push({ ...base, outcome: 'skipped', detail: decision.detail });
      continue;
    }
    if (o.dryRun) {
      outcomes.push({ ...base, outcome: 'would_republish' });
      continue;
    }
    toClaim.push({ doc, attempt: decision.attempt });
  }
  const won =
    toClaim.length === 0
      ? new Set<string>()
      : await store.claimRedrives(
          toClaim.map((c) => ({ dlqId: c.doc._id, attempt: c.attempt })),
          o.by,
          o.now(),
        );
  const claimed: Array<{ doc: DlqDoc; attempt: number }> = [];
  for (const c of toClaim) {
    if (won.has(c.doc._id)) claimed.push(c);
    else
      outcomes.push({
        id: c.doc._id,
        topic: c.doc.topic,
        reasonClass: c.doc.reasonClass,
        outcome: 'skipped',
        detail: 'claimed by a redrive running at the same time',
      });
  }

  // One topic at a time, in the order the records were rejected, in chunks marked as they land.
  const chunk = o.chunk ?? 200;
  const byTopic = new Map<string, Array<{ doc: DlqDoc; attempt: number }>>();
  for (const c of claimed) byTopic.set(c.doc.topic, [...(byTopic.get(c.doc.topic) ?? []), c]);
  for (const [topic, list] of byTopic) {
    for (let i = 0; i < list.length; i += chunk) {
      const part = list.slice(i, i + chunk);
      try {
        if (!sink) throw new Error('no Kafka producer');
        await sink.send(
          topic,
          part.map(({ doc }) => ({
            key: doc.key ?? null,
            value: Buffer.from(doc.originalBase64!, 'base64'),
            headers: { [REDRIVE_HEADER]: doc._id },
          })),
        );
        await store.markRedriven(
          part.map(({ doc, attempt }) => ({ dlqId: doc._id, attempt, by: o.by })),
          o.now(),
        );
        for (const { doc } of part)
          outcomes.push({ id: doc._id, topic, reasonClass: doc.reasonClass, outcome: 'republished' });
      } catch (e) {
        for (const { doc } of part)
          outcomes.push({
            id: doc._id,
            topic,
            reasonClass: doc.reasonClass,
            outcome: 'failed',
            detail: `${(e as Error).message} (claimed; the next redrive retries it after ${Math.round((o.staleMs ?? REDRIVE_STALE_MS) / 60_000)} min)`,
          });
      }
    }
  }
  const count = (k: RedriveOutcome['outcome']) => outcomes.filter((x) => x.outcome === k).length;
  const found = new Set(docs.map((d) => d._id));
  return {
    selected: docs.length,
    missing: (filter.ids ?? []).filter((id) => !found.has(id)),
    republished: count('republished') + count('would_republish'),
    skipped: count('skipped'),
    failed: count('failed'),
    outcomes,
  };
}
