import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { Binary, type Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { sameContent } from '@iw/events';
import { COLLECTIONS, type EventIdSegmentDoc, type EventTextsDoc } from '../documents';
import { claimByInsert, retryContested } from './claims';
import { collection } from './collections';

const deflate = promisify(zlib.deflateRaw);
const inflate = promisify(zlib.inflateRaw);

/** One delivery of an event, as ingest saw it. */
export interface EventSighting {
  eventId: string;
  partition: number;
  offset: number;
  /** contentHash of the value's bytes. */
  hash: number;
  /** The value as UTF-8 text (kept with the id: previews of conflicts, corrections). */
  text: string;
  /** A correction: the event id it corrects (on the same topic). */
  corrects?: string;
}

/** Where an event id was first seen. */
export interface FirstSeen {
  partition: number;
  offset: number;
}

/**
 * What a delivery is, by its event id:
 * - `first`: the id's first delivery — it counts;
 * - `redelivery`: the id was first seen at this very position (Kafka delivered it again; the
 *   progress offset fence counts it once);
 * - `duplicate`: first seen at another position with the same content — skipped;
 * - `conflict`: first seen at another position with different content — an upstream bug, to
 *   the DLQ (`text` of the first delivery, null when no longer kept).
 */
export type Verdict =
  | { kind: 'first' }
  | { kind: 'redelivery' }
  | { kind: 'duplicate'; first: FirstSeen }
  | { kind: 'conflict'; first: FirstSeen & { text: string | null } }
  /** A correction that cannot stand (DLQ): it is not recorded, so a redrive may count it later. */
  | {
      kind: 'uncorrectable';
      reason: 'unknown_correction' | 'already_corrected' | 'correction_too_old';
      message: string;
    };

interface Seen {
  hash: number;
  partition: number;
  offset: number;
  /** Segment, and place in it (its texts are in the same order). */
  seq: number;
  index: number;
}

/** One topic's log as this process knows it: every segment up to `seq`. */
interface LogState {
  seq: number;
  loaded: boolean;
  byId: Map<string, Seen>;
  /** Segments known, oldest first, with when they were written (wall clock) and their ids. */
  segments: Array<{ seq: number; at: number; ids: string[] }>;
  /** Texts of the newest segment this process wrote, so a conflict right after needs no read. */
  recentTexts: Map<number, string[]>;
  /** The texts document of each segment (written before the segment is claimed). */
  textsIds: Map<number, string>;
  /** Corrected event id → the correction that replaced it (each event is corrected once). */
  correctedBy: Map<string, string>;
  /** Whether older segments were pruned: an unknown id may then be one forgotten. */
  pruned: boolean;
  lock: Promise<unknown>;
}

/** Texts written before the log was taken (`claim`): where each candidate id's text is, and whether a segment names them. */
interface EarlyTexts {
  textsId: string;
  texts: string[];
  at: Map<string, number>;
  used: boolean;
}

/** An id as a segment stores it: event id, content hash, partition, offset of its first delivery. */
type IdEntry = [string, number, number, number] | [string, number, number, number, string];

/**
 * Segments whose texts stay in memory. One: a batch's texts are about 1 MB (3,000 events), kept
 * live for each topic; an older first delivery's text is read from `event_texts` (conflicts and
 * corrections, both rare).
 */
const RECENT_TEXTS = 1;
/** Segments probed at once when catching up with another writer. */
const PROBE = 8;

export const segmentId = (log: string, seq: number) => `${log}#${seq}`;

/**
 * Event ids, per topic, as an append-only log of segments: one document per batch that saw ids
 * not seen before, `_id` `<topic>#<seq>`, holding those ids with the position of their first
 * delivery and a hash of its content (`event_ids`), and their texts (`event_texts`, same `_id`).
 * A batch costs one insert, not one document per event.
 *
 * Each process keeps the log in memory (loaded once per topic, then extended by its own
 * segments and by the ones it finds other writers appended). Appending the next segment is the
 * store's claim: of two writers that read the log up to `seq`, only one inserts `seq + 1`; the
 * other reads what it missed, decides again, and appends `seq + 2` (retryContested). A writer
 * that decided an id is new has thus seen every segment before its own, so an id is recorded as
 * first seen exactly once. Ids are remembered for the retention horizon (`prune`): a duplicate
 * arriving later than that counts again. The newest segment of a topic is never pruned, so
 * sequence numbers only grow.
 */
export class EventIdRepository {
  private readonly logs = new Map<string, LogState>();

  constructor(private readonly conn: Connection) {}

  private get segments(): Collection<EventIdSegmentDoc> {
    return collection<EventIdSegmentDoc>(this.conn, COLLECTIONS.eventIds);
  }

  private get texts(): Collection<EventTextsDoc> {
    return collection<EventTextsDoc>(this.conn, COLLECTIONS.eventTexts);
  }

  private state(log: string): LogState {
    let s = this.logs.get(log);
    if (!s) {
      s = {
        seq: 0,
        loaded: false,
        byId: new Map(),
        segments: [],
        recentTexts: new Map(),
        textsIds: new Map(),
        correctedBy: new Map(),
        pruned: false,
        lock: Promise.resolve(),
      };
      this.logs.set(log, s);
    }
    return s;
  }

  /** Runs `fn` alone for `log` within this process (two partitions of one topic share its log). */
  private async exclusive<T>(log: string, fn: (s: LogState) => Promise<T>): Promise<T> {
    const s = this.state(log);
    const run = s.lock.then(() => fn(s));
    s.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Decides each sighting of one topic (`log`) and records the ids first seen here, in one
   * insert. Returns a verdict per sighting, in order. Within the batch the first sighting of an
   * id is its first delivery.
   */
  async claim(log: string, sightings: readonly EventSighting[], now: Date): Promise<Verdict[]> {
    if (sightings.length === 0) return [];
    // The texts go first, before the log is taken: two batches of one topic then write their
    // texts at the same time, and only the segment's claim waits for the other batch's.
    const early = await this.writeTexts(log, sightings, now);
    try {
      return await this.exclusive(log, async (s) => {
        if (!s.loaded) await this.loadAll(log, s);
        let verdicts: Verdict[] = [];
        await retryContested(`event ids of ${log}`, [log], async (_pending, round) => {
          if (round > 0) await this.catchUp(log, s);
          const decided = await this.decide(log, s, sightings);
          verdicts = decided.verdicts;
          if (decided.fresh.length === 0) return [];
          return (await this.append(log, s, decided.fresh, now, early)) ? [] : [log];
        });
        return verdicts;
      });
    } finally {
      // No segment names them (nothing was new, or a failure): deleted (else retention would).
      if (early && !early.used) await this.texts.deleteOne({ _id: early.textsId }).catch(() => undefined);
    }
  }

  /**
   * The texts of the batch's ids this process does not know yet (its first sighting of each),
   * in one event_texts document of this writer's own: what the segment most likely needs.
   */
  private async writeTexts(log: string, sightings: readonly EventSighting[], now: Date): Promise<EarlyTexts | null> {
    const known = this.logs.get(log);
    const at = new Map<string, number>();
    const texts: string[] = [];
    for (const x of sightings) {
      if (at.has(x.eventId) || (known?.loaded && known.byId.has(x.eventId))) continue;
      at.set(x.eventId, texts.length);
      texts.push(x.text);
    }
    if (texts.length === 0) return null;
    const textsId = `${log}~${randomUUID()}`;
    await this.texts.insertOne({ _id: textsId, log, seq: 0, at: now, texts: await pack(texts) });
    return { textsId, texts, at, used: false };
  }

  /** Reads the log of `log` into memory, as the first batch of that topic does (e.g. at start-up). */
  async load(log: string): Promise<void> {
    await this.exclusive(log, async (s) => {
      if (!s.loaded) await this.loadAll(log, s);
    });
  }

  private async decide(
    log: string,
    s: LogState,
    sightings: readonly EventSighting[],
  ): Promise<{ verdicts: Verdict[]; fresh: EventSighting[] }> {
    const inBatch = new Map<string, EventSighting>();
    const fresh: EventSighting[] = [];
    const verdicts: Verdict[] = [];
    const differing: Array<{ i: number; first: Seen }> = [];
    const correctedInBatch = new Map<string, string>();
    sightings.forEach((x, i) => {
      const stored = s.byId.get(x.eventId);
      if (stored) {
        if (stored.partition === x.partition && stored.offset === x.offset) verdicts.push({ kind: 'redelivery' });
        else if (stored.hash === x.hash)
          verdicts.push({ kind: 'duplicate', first: { partition: stored.partition, offset: stored.offset } });
        else {
          verdicts.push({ kind: 'redelivery' }); // placeholder, decided below
          differing.push({ i, first: stored });
        }
        return;
      }
      const earlier = inBatch.get(x.eventId);
      if (!earlier && x.corrects !== undefined) {
        const refused = this.uncorrectable(s, x, inBatch, correctedInBatch);
        if (refused) {
          verdicts.push(refused);
          return;
        }
        correctedInBatch.set(x.corrects, x.eventId);
      }
      if (!earlier) {
        inBatch.set(x.eventId, x);
        fresh.push(x);
        verdicts.push({ kind: 'first' });
        return;
      }
      const first = { partition: earlier.partition, offset: earlier.offset };
      verdicts.push(
        earlier.hash === x.hash || sameContent(earlier.text, x.text)
          ? { kind: 'duplicate', first }
          : { kind: 'conflict', first: { ...first, text: earlier.text } },
      );
    });
    // Different bytes may still be the same event (spacing, key order): compare the values.
    if (differing.length > 0) {
      const texts = await this.textsOf(
        s,
        differing.map((d) => d.first),
      );
      for (const d of differing) {
        const firstText = texts.get(`${d.first.partition}:${d.first.offset}`) ?? null;
        const first = { partition: d.first.partition, offset: d.first.offset };
        verdicts[d.i] =
          firstText !== null && sameContent(firstText, sightings[d.i].text)
            ? { kind: 'duplicate', first }
            : { kind: 'conflict', first: { ...first, text: firstText } };
      }
    }
    return { verdicts, fresh };
  }

  /** Why correction `x` cannot stand, or null: it is the first correction of an event counted here. */
  private uncorrectable(
    s: LogState,
    x: EventSighting,
    inBatch: ReadonlyMap<string, EventSighting>,
    correctedInBatch: ReadonlyMap<string, string>,
  ): Verdict | null {
    const target = x.corrects!;
    if (!s.byId.has(target) && !inBatch.has(target)) {
      if (s.pruned)
        return {
          kind: 'uncorrectable',
          reason: 'correction_too_old',
          message: `corrects ${JSON.stringify(target)}, which is not among the event ids remembered (IW_RETENTION_EVENT_IDS): older ones are forgotten, with their effect`,
        };
      return {
        kind: 'uncorrectable',
        reason: 'unknown_correction',
        message: `corrects ${JSON.stringify(target)}, which never counted on this topic; redrive this correction once it has`,
      };
    }
    const by = s.correctedBy.get(target) ?? correctedInBatch.get(target);
    if (by !== undefined && by !== x.eventId) {
      let latest = by;
      for (let n = 0; n < 1000; n++) {
        const next = s.correctedBy.get(latest) ?? correctedInBatch.get(latest);
        if (next === undefined) break;
        latest = next;
      }
      return {
        kind: 'uncorrectable',
        reason: 'already_corrected',
        message: `corrects ${JSON.stringify(target)}, already corrected by ${JSON.stringify(by)}; to correct again, correct ${JSON.stringify(latest)}`,
      };
    }
    return null;
  }

  /**
   * Inserts segment `seq + 1`; false when another writer had taken it. The texts go first, in a
   * document of this writer's own (`<topic>#<seq>~<random>`) that the segment names: a writer
   * that loses the segment deletes its texts, and a crash in between leaves an orphan that
   * retention removes.
   */
  private async append(
    log: string,
    s: LogState,
    fresh: readonly EventSighting[],
    now: Date,
    early: EarlyTexts | null,
  ): Promise<boolean> {
    const seq = s.seq + 1;
    const _id = segmentId(log, seq);
    const ids = fresh.map((x): IdEntry =>
      x.corrects === undefined
        ? [x.eventId, x.hash, x.partition, x.offset]
        : [x.eventId, x.hash, x.partition, x.offset, x.corrects],
    );
    // Compressed: FerretDB pays by the byte.
    const idsBin = await pack(ids);
    // The texts written before the log was taken hold every new id's (unless an id was pruned meanwhile).
    const positions = early ? fresh.map((x) => early.at.get(x.eventId)) : [];
    const useEarly = early !== null && positions.every((k) => k !== undefined);
    let textsId: string;
    let texts: string[];
    let textAt: number[] | undefined;
    if (useEarly) {
      textsId = early.textsId;
      texts = early.texts;
      if (positions.some((k, i) => k !== i)) textAt = positions;
    } else {
      textsId = `${_id}~${randomUUID()}`;
      texts = fresh.map((x) => x.text);
      await this.texts.insertOne({ _id: textsId, log, seq, at: now, texts: await pack(texts) });
    }
    const { won } = await claimByInsert(this.segments, [
      { _id, log, seq, at: now, count: fresh.length, textsId, ids: idsBin, ...(textAt ? { textAt } : {}) },
    ]);
    if (won.length === 0) {
      // Texts of its own are deleted; the early ones serve the next attempt.
      if (!useEarly) await this.texts.deleteOne({ _id: textsId });
      return false;
    }
    if (useEarly) early.used = true;
    this.remember(s, seq, now.getTime(), textsId, ids, textAt);
    s.recentTexts.set(seq, texts);
    for (const k of [...s.recentTexts.keys()]) if (k <= seq - RECENT_TEXTS) s.recentTexts.delete(k);
    return true;
  }

  private remember(
    s: LogState,
    seq: number,
    at: number,
    textsId: string,
    ids: readonly IdEntry[],
    textAt?: readonly number[],
  ): void {
    const list: string[] = [];
    ids.forEach(([eventId, hash, partition, offset, corrects], k) => {
      if (s.byId.has(eventId)) return; // a pruned id seen again: the newer sighting stands
      if (corrects !== undefined) s.correctedBy.set(corrects, eventId);
      s.byId.set(eventId, { hash, partition, offset, seq, index: textAt?.[k] ?? k });
      list.push(eventId);
    });
    s.segments.push({ seq, at, ids: list });
    s.textsIds.set(seq, textsId);
    if (seq > s.seq) s.seq = seq;
  }

  /** Every stored segment of `log`, oldest first. */
  private async loadAll(log: string, s: LogState): Promise<void> {
    const docs = await this.segments.find({ log }).toArray();
    docs.sort((a, b) => a.seq - b.seq);
    // Sequence numbers start at 1 and only grow: a log that starts later has forgotten its start.
    if (docs.length > 0 && docs[0].seq > 1) s.pruned = true;
    for (const d of docs) this.remember(s, d.seq, d.at.getTime(), d.textsId, await unpack<IdEntry[]>(d.ids), d.textAt);
    s.loaded = true;
    await this.catchUp(log, s);
  }

  /** Segments after the newest this process knows (other writers' appends). */
  private async catchUp(log: string, s: LogState): Promise<void> {
    for (;;) {
      const probe = Array.from({ length: PROBE }, (_, k) => segmentId(log, s.seq + 1 + k));
      const docs = (await this.segments.find({ _id: { $in: probe } }).toArray()).sort((a, b) => a.seq - b.seq);
      for (const d of docs)
        if (d.seq > s.seq) this.remember(s, d.seq, d.at.getTime(), d.textsId, await unpack<IdEntry[]>(d.ids), d.textAt);
      if (docs.length < PROBE) return;
    }
  }

  /** The texts of first deliveries, by `partition:offset` (missing: no longer kept). */
  private async textsOf(s: LogState, firsts: readonly Seen[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const seqs = [...new Set(firsts.map((f) => f.seq))];
    const stored = new Map<number, string[]>();
    // Texts documents by id (one written before its segment was claimed does not know its seq).
    const missing = new Map<string, number>();
    for (const seq of seqs) {
      const recent = s.recentTexts.get(seq);
      if (recent) stored.set(seq, recent);
      else if (s.textsIds.has(seq)) missing.set(s.textsIds.get(seq)!, seq);
    }
    if (missing.size)
      for (const d of await this.texts.find({ _id: { $in: [...missing.keys()] } }).toArray())
        stored.set(missing.get(d._id)!, await unpack<string[]>(d.texts));
    for (const f of firsts) {
      const text = stored.get(f.seq)?.[f.index];
      if (text !== undefined) out.set(`${f.partition}:${f.offset}`, text);
    }
    return out;
  }

  /**
   * Deletes segments (and their texts) written before `cutoff` (wall clock), except each
   * topic's newest, and forgets their ids in this process. Returns how many were deleted.
   */
  async prune(cutoff: Date): Promise<number> {
    const newest = new Map<string, number>();
    for (const d of await this.segments.find({}, { projection: { log: 1, seq: 1 } }).toArray())
      newest.set(d.log, Math.max(newest.get(d.log) ?? 0, d.seq));
    const old = await this.segments.find({ at: { $lt: cutoff } }, { projection: { _id: 1, log: 1, seq: 1 } }).toArray();
    const doomed = old.filter((d) => d.seq !== newest.get(d.log)).map((d) => d._id);
    let deleted = 0;
    if (doomed.length > 0) deleted = (await this.segments.deleteMany({ _id: { $in: doomed } })).deletedCount;
    // Texts of pruned segments, and orphans of lost or crashed appends, by age.
    await this.texts.deleteMany({ at: { $lt: cutoff }, _id: { $nin: await this.keptTexts() } });
    for (const log of this.logs.keys())
      await this.exclusive(log, (s) => {
        s.segments = s.segments.filter((g) => {
          if (g.at >= cutoff.getTime() || g.seq === s.seq) return true;
          s.pruned = true;
          for (const id of g.ids)
            if (s.byId.get(id)?.seq === g.seq) {
              s.byId.delete(id);
              s.correctedBy.delete(id);
            }
          s.textsIds.delete(g.seq);
          return false;
        });
        return Promise.resolve();
      });
    return deleted;
  }

  /** Texts documents named by a segment that is kept. */
  private async keptTexts(): Promise<string[]> {
    return (await this.segments.find({}, { projection: { textsId: 1 } }).toArray()).map((d) => d.textsId);
  }

  /**
   * The stored texts of events first seen on `log`, by event id (null: no longer kept). A
   * correction recovers the effect of the event it corrects from it.
   */
  async textsById(log: string, ids: readonly string[]): Promise<Map<string, string | null>> {
    if (ids.length === 0) return new Map();
    return this.exclusive(log, async (s) => {
      if (!s.loaded) await this.loadAll(log, s);
      const found = ids.map((id) => s.byId.get(id));
      const texts = await this.textsOf(
        s,
        found.filter((f): f is Seen => f !== undefined),
      );
      return new Map(
        ids.map((id, i) => [id, found[i] ? (texts.get(`${found[i].partition}:${found[i].offset}`) ?? null) : null]),
      );
    });
  }

  /** Ids this process remembers, per topic (for metrics and tests). */
  remembered(): Record<string, number> {
    return Object.fromEntries([...this.logs].map(([log, s]) => [log, s.byId.size]));
  }
}

async function pack(value: unknown): Promise<Binary> {
  return new Binary(await deflate(Buffer.from(JSON.stringify(value), 'utf8'), { level: 1 }));
}

async function unpack<T>(bin: Binary | Buffer | { buffer: Uint8Array }): Promise<T> {
  const bytes = bin instanceof Binary ? bin.buffer : Buffer.isBuffer(bin) ? bin : bin.buffer;
  return JSON.parse((await inflate(Buffer.from(bytes))).toString('utf8')) as T;
}
