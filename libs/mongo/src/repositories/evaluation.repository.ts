import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection } from 'mongoose';
import type { JudgedProgress } from '@iw/measures';
import type { EvaluationSummary, Status } from '@iw/risk';
import { COLLECTIONS } from '../documents';
import { ContestedWriteError, upsertContested } from './claims';
import { bulkWriteChunked, collection } from './collections';
import type { WritesLater } from './later';
import { VersionedDocs } from './versioned';

/**
 * The settled status of one tracked unit, written by alerting after every evaluation and read
 * by the status app: `status`/`likelihood`/`since` are what counts (after IW_PENDING_FOR);
 * the other fields are the engine's latest verdict on its own.
 */
export interface EvaluationDoc extends EvaluationSummary {
  _id: string; // tracked unit id
  kind: 'indicator' | 'part' | 'budget';
  projectId: string;
  /** null for a budget track. */
  indicatorId: string | null;
  /** Settled status: what the dashboard and the 绩效监控表 show (the engine's is `evaluatedStatus`). */
  status: Status;
  /** When the settled status began to hold. */
  since: Date;
  /** A different status waiting out IW_PENDING_FOR; re-evaluated at `dueAt`. */
  pending: { status: Status; since: Date; dueAt: Date } | null;
  /** The engine's latest verdict before anti-flap (equals `status` unless pending). */
  evaluatedStatus: Status;
  warningDays: number | null;
  /** Progress version evaluated (null: no progress yet). */
  progressVersion: number | null;
  /**
   * Domain time ("now" of the one clock) of the evaluation that wrote this document. An
   * evaluation that says the same thing is not written (needsWrite): the document holds from
   * here until the last sweep's `asOf` (SweepDoc) at least.
   */
  evaluatedAt: Date;
  /**
   * The domain time the unit was judged as of when this was written: the earliest watermark of
   * the sources that feed it, at most `evaluatedAt` (earlier while ingest lags). Absent in
   * documents written before.
   */
  asOf?: Date;
  /** Compare-and-set counter: one more with every write. */
  rev: number;
}

export interface EvaluationWrite {
  doc: EvaluationDoc;
  /** `rev` the doc was computed from; null when none existed. */
  expectedRev: number | null;
  /** The progress it was judged on, kept beside it (null: none yet); absent: keep what is stored. */
  judged?: JudgedProgress | null;
}

/** Stored evaluations with the progress each was judged on (absent: not kept yet). */
export interface EvaluationsWithJudged {
  evaluations: Map<string, EvaluationDoc>;
  judged: Map<string, JudgedProgress | null>;
}

/**
 * How evaluations are stored: one document per project, `_id` the project id, its units'
 * EvaluationDocs as JSON text. A province has ~100,000 units in ~6,000 projects: on FerretDB a
 * read of 100,000 small documents took 13 s (and one by a `projectId` filter 12 s, a scan),
 * a replace ~2.3 ms each; a few thousand larger text documents read and write far faster.
 * `rev` is the document's version, claimed by insert in `evaluation_versions` before each write
 * (VersionedDocs); each unit keeps its own `rev` as before;
 * `pendingDueAt` is the earliest pending status of its units (pendingDue looks only there).
 */
export interface ProjectEvaluationsDoc {
  _id: string; // projectId
  projectId: string;
  rev: number;
  /** JSON of `Record<unitId, EvaluationDoc>` (dates as ISO text). */
  units: string;
  /**
   * JSON of `Record<unitId, Status>`: the settled statuses alone, what the status app reads of
   * every project (a few percent of `units`). Absent in documents written before it was kept.
   */
  statuses?: string;
  pendingDueAt: Date | null;
}

/**
 * The progress each unit's evaluation was judged on, one document per project beside
 * `project_evaluations` (JSON of `Record<unitId, JudgedProgress | null>`), so a sweep judges the
 * units again from a few project documents instead of 100,000 progress documents. Only alerting
 * reads it. Its own collection: a new day's sweep rewrites every evaluation but none of these
 * (the progress did not change), and readers of evaluations never carry it. An entry counts only
 * while its version is the evaluation's `progressVersion`: written without compare-and-set, an
 * entry another writer overwrote with an older one is then read as absent, and the unit's
 * progress is read instead (and kept again).
 */
export interface ProjectJudgedDoc {
  _id: string; // projectId
  judged: string;
  /** One more with every write (no compare-and-set: it only says whether it was rewritten). */
  writes: number;
}

/**
 * The last sweep alerting finished. Evaluations are written only when what they say changed, so
 * this says as of when they all hold: every unit of the open years was judged again as of `asOf`
 * at the latest (its sources' watermarks), but the `waiting` ones whose watermark was unknown.
 */
export interface SweepDoc {
  _id: 'last';
  /** Domain time of the sweep. */
  at: Date;
  /** The earliest time a unit was judged as of (domain time). */
  asOf: Date;
  units: number;
  judged: number;
  waiting: number;
  /** Real seconds it took. */
  seconds: number;
}

const DATE_FIELDS = ['since', 'evaluatedAt'] as const;

function fromJson(text: string): Map<string, EvaluationDoc> {
  const raw = JSON.parse(text) as Record<string, Record<string, unknown>>;
  const out = new Map<string, EvaluationDoc>();
  for (const [id, d] of Object.entries(raw)) {
    for (const f of DATE_FIELDS) d[f] = new Date(d[f] as string);
    if (typeof d.asOf === 'string') d.asOf = new Date(d.asOf);
    const pending = d.pending as Record<string, unknown> | null;
    if (pending) {
      pending.since = new Date(pending.since as string);
      pending.dueAt = new Date(pending.dueAt as string);
    }
    out.set(id, d as unknown as EvaluationDoc);
  }
  return out;
}

/** A project document's `statuses`: each unit's settled status, as JSON text. */
function statusesText(units: Iterable<EvaluationDoc>): string {
  const out: Record<string, Status> = {};
  for (const e of units) out[e._id] = e.status;
  return JSON.stringify(out);
}

function judgedOf(d: ProjectJudgedDoc | undefined): Map<string, JudgedProgress | null> {
  return new Map(d ? Object.entries(JSON.parse(d.judged) as Record<string, JudgedProgress | null>) : []);
}

/**
 * The project a tracked unit belongs to, from its id: a budget track `<project>#budget`, an
 * indicator `<project>.<indicator>`, a compound part `<project>.<indicator>~<part>` (id
 * segments hold no dots).
 */
export function projectOfUnit(unitId: string): string {
  const id = String(unitId);
  if (id.endsWith('#budget')) return id.slice(0, -'#budget'.length);
  const indicator = id.includes('~') ? id.slice(0, id.indexOf('~')) : id;
  const dot = indicator.lastIndexOf('.');
  return dot > 0 ? indicator.slice(0, dot) : indicator;
}

/** Whether a unit id belongs to the project (an id a legacy-id migration left behind does not). */
const ofProject = (unitId: string, projectId: string) =>
  unitId === projectId || (unitId.startsWith(projectId) && '.~#'.includes(unitId.charAt(projectId.length)));

const READ_CHUNK = 500;

export class EvaluationRepository {
  constructor(private readonly conn: Connection) {
    this.docs = new VersionedDocs<ProjectEvaluationsDoc>(conn, {
      current: COLLECTIONS.evaluations,
      versions: COLLECTIONS.evaluationVersions,
      field: 'rev',
      what: 'evaluations',
    });
  }

  /** Project documents, each write claiming its next `rev` first. */
  private readonly docs: VersionedDocs<ProjectEvaluationsDoc>;

  private get col() {
    return this.docs.current;
  }

  private get judgedCol() {
    return collection<ProjectJudgedDoc>(this.conn, COLLECTIONS.judged);
  }

  private get sweepCol() {
    return collection<SweepDoc>(this.conn, COLLECTIONS.sweeps);
  }

  /** Records a finished sweep (the leader's; two at once: the last write stands). */
  async recordSweep(sweep: Omit<SweepDoc, '_id'>): Promise<void> {
    await upsertContested('sweep record', 'last', () =>
      this.sweepCol.replaceOne({ _id: 'last' }, sweep, { upsert: true }),
    );
  }

  /** The last sweep recorded (null: none yet). */
  async lastSweep(): Promise<SweepDoc | null> {
    return this.sweepCol.findOne({ _id: 'last' });
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ pendingDueAt: 1 });
  }

  /** The project documents as stored, or as this repository claimed them when their write is still to come (VersionedDocs.find). */
  private async projectDocs(projectIds: readonly string[]): Promise<ProjectEvaluationsDoc[]> {
    const out: ProjectEvaluationsDoc[] = [];
    for (let i = 0; i < projectIds.length; i += READ_CHUNK)
      out.push(...(await this.docs.find(projectIds.slice(i, i + READ_CHUNK))).values());
    return out;
  }

  private async judgedDocs(projectIds: readonly string[]): Promise<Map<string, ProjectJudgedDoc>> {
    const out = new Map<string, ProjectJudgedDoc>();
    for (let i = 0; i < projectIds.length; i += READ_CHUNK)
      for (const d of await this.judgedCol.find({ _id: { $in: projectIds.slice(i, i + READ_CHUNK) } }).toArray())
        out.set(d._id, d);
    return out;
  }

  async find(ids: readonly string[]): Promise<Map<string, EvaluationDoc>> {
    return (await this.read(ids, false)).evaluations;
  }

  /** The stored evaluations of `ids` and the progress each was judged on, in one read. */
  async findWithJudged(ids: readonly string[]): Promise<EvaluationsWithJudged> {
    return this.read(ids, true);
  }

  private async read(ids: readonly string[], withJudged: boolean): Promise<EvaluationsWithJudged> {
    const out: EvaluationsWithJudged = { evaluations: new Map(), judged: new Map() };
    if (ids.length === 0) return out;
    const wanted = new Set(ids.map(String));
    const projects = [...new Set([...wanted].map(projectOfUnit))];
    const [docs, judgedDocs] = await Promise.all([
      this.projectDocs(projects),
      withJudged ? this.judgedDocs(projects) : new Map<string, ProjectJudgedDoc>(),
    ]);
    for (const d of docs) {
      for (const [id, e] of fromJson(d.units)) if (wanted.has(id)) out.evaluations.set(id, e);
      if (!withJudged) continue;
      // Counts only while it is what the evaluation was judged on.
      for (const [id, j] of judgedOf(judgedDocs.get(d._id))) {
        const e = out.evaluations.get(id);
        if (e && wanted.has(id) && (j?.version ?? null) === e.progressVersion) out.judged.set(id, j);
      }
    }
    return out;
  }

  async one(id: string): Promise<EvaluationDoc | null> {
    return (await this.find([id])).get(String(id)) ?? null;
  }

  /**
   * The settled status of every stored unit, or of a project's units, by unit id: all the status
   * app shows of alerting's evaluations (the rest it judges live). Only each project's `statuses`
   * is read: a province's 5,871 whole texts were 110 MB of the status app's heap when held at
   * once (JSON of Chinese ids, two bytes a character) and half its request's time to decode.
   * Documents written before `statuses` was kept are read whole.
   */
  async statuses(filter: { projectId?: string } = {}): Promise<Map<string, Status>> {
    return (await this.statusesWithRevs(filter.projectId === undefined ? undefined : [String(filter.projectId)]))
      .statuses;
  }

  /**
   * Like statuses, of every project or of these projects only, with the `rev` of each project
   * document read (what `revs` answers later tells which of them were written since).
   */
  async statusesWithRevs(
    projectIds?: readonly string[],
  ): Promise<{ statuses: Map<string, Status>; revs: Map<string, number> }> {
    const statuses = new Map<string, Status>();
    const revs = new Map<string, number>();
    const older: string[] = [];
    const queries =
      projectIds === undefined
        ? [{}]
        : Array.from({ length: Math.ceil(projectIds.length / READ_CHUNK) }, (_, k) => ({
            _id: { $in: projectIds.slice(k * READ_CHUNK, (k + 1) * READ_CHUNK).map(String) },
          }));
    for (const query of queries)
      for await (const d of this.col.find(query, { projection: { statuses: 1, rev: 1 }, batchSize: READ_CHUNK })) {
        revs.set(d._id, d.rev);
        if (typeof d.statuses !== 'string') older.push(d._id);
        else
          for (const [id, status] of Object.entries(JSON.parse(d.statuses) as Record<string, Status>))
            statuses.set(id, status);
      }
    for (let i = 0; i < older.length; i += READ_CHUNK)
      for (const d of await this.projectDocs(older.slice(i, i + READ_CHUNK))) {
        revs.set(d._id, d.rev);
        for (const [id, e] of fromJson(d.units)) statuses.set(id, e.status);
      }
    return { statuses, revs };
  }

  /** Each project document's `rev` (one more with every write): what tells a reader which were written since it read them. */
  async revs(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for await (const d of this.col.find({}, { projection: { rev: 1 }, batchSize: 5000 })) out.set(d._id, d.rev);
    return out;
  }

  /**
   * Gives `statuses` to the project documents written before it was kept; returns how many. The
   * field follows from `units`, so it is set only where the document is still at the `rev` it was
   * read at (a write meanwhile carries its own), without claiming a version. Alerting runs it
   * after its first sweep: until then the status app reads those documents whole.
   */
  async keepStatuses(): Promise<number> {
    const ops: AnyBulkWriteOperation<ProjectEvaluationsDoc>[] = [];
    for await (const d of this.col.find({ statuses: { $exists: false } }, { batchSize: READ_CHUNK })) {
      ops.push({
        updateOne: {
          filter: { _id: d._id, rev: d.rev },
          update: { $set: { statuses: statusesText(fromJson(d.units).values()) } },
        },
      });
    }
    if (ops.length) await bulkWriteChunked(this.col, ops, { ordered: false });
    return ops.length;
  }

  /** Units whose pending status is due to be decided at `now` (domain time). */
  async pendingDue(now: Date): Promise<string[]> {
    const out: string[] = [];
    for (const d of await this.col.find({ pendingDueAt: { $lte: now } }).toArray())
      for (const e of fromJson(d.units).values())
        if (e.pending && e.pending.dueAt.getTime() <= now.getTime()) out.push(e._id);
    return out;
  }

  /**
   * Writes units whose stored `rev` is still `expectedRev` (absent for null); returns the ids
   * someone else moved meanwhile (the caller re-reads them and recomputes). A project's
   * document is written through the store's one primitive (VersionedDocs: its next `rev`
   * claimed by insert, then the document replaced), so of two writers of one project only one
   * writes a version; the other merges its units into the winner's and tries again. With
   * `later`, the claims decide now and the project documents and the progress they were judged
   * on are written when the caller flushes it (until then `find` reads the versions before).
   */
  async save(writes: readonly EvaluationWrite[], later?: WritesLater): Promise<string[]> {
    if (writes.length === 0) return [];
    const byProject = new Map<string, EvaluationWrite[]>();
    for (const w of writes) {
      const list = byProject.get(w.doc.projectId);
      if (list) list.push(w);
      else byProject.set(w.doc.projectId, [w]);
    }
    // Per project, as its last computation decided (a lost claim computes again on the winner's state).
    const decided = new Map<string, { won: EvaluationWrite[]; lost: string[] }>();
    const merge = (before: ProjectEvaluationsDoc | null, projectId: string): ProjectEvaluationsDoc | null => {
      const units = before ? fromJson(before.units) : new Map<string, EvaluationDoc>();
      const won: EvaluationWrite[] = [];
      const lost: string[] = [];
      for (const w of byProject.get(projectId)!) {
        if ((units.get(w.doc._id)?.rev ?? null) !== w.expectedRev) lost.push(w.doc._id);
        else {
          units.set(w.doc._id, w.doc);
          won.push(w);
        }
      }
      decided.set(projectId, { won, lost });
      if (won.length === 0) return null;
      let pendingDueAt: Date | null = null;
      const kept: Record<string, EvaluationDoc> = {};
      for (const [id, e] of units) {
        if (!ofProject(id, projectId)) continue;
        kept[id] = e;
        if (e.pending && (pendingDueAt === null || e.pending.dueAt < pendingDueAt)) pendingDueAt = e.pending.dueAt;
      }
      return {
        _id: projectId,
        projectId,
        rev: (before?.rev ?? 0) + 1,
        units: JSON.stringify(kept),
        statuses: statusesText(Object.values(kept)),
        pendingDueAt,
      };
    };
    let written: Map<string, ProjectEvaluationsDoc>;
    try {
      written = await this.docs.update([...byProject.keys()], merge, later);
    } catch (e) {
      // Projects that kept changing for every round: their units are the caller's to recompute.
      if (!(e instanceof ContestedWriteError)) throw e;
      const contested = new Set(e.ids);
      written = new Map();
      for (const [projectId, list] of byProject)
        if (contested.has(projectId)) decided.set(projectId, { won: [], lost: list.map((w) => w.doc._id) });
    }
    const lost: string[] = [];
    const judgedWon = new Map<string, Map<string, JudgedProgress | null>>();
    for (const [projectId, { won, lost: moved }] of decided) {
      lost.push(...moved);
      if (!written.has(projectId)) continue;
      for (const w of won)
        if (w.judged !== undefined) {
          const j = judgedWon.get(projectId) ?? new Map<string, JudgedProgress | null>();
          judgedWon.set(projectId, j.set(w.doc._id, w.judged));
        }
    }
    if (later) later.add(() => this.keepJudged(judgedWon, byProject));
    else await this.keepJudged(judgedWon, byProject);
    return lost;
  }

  /**
   * Merges the progress the written evaluations were judged on into their projects' judged
   * documents (a unit written now keeps only what it was judged on). Without compare-and-set
   * (see ProjectJudgedDoc): a lost merge only makes a unit's progress be read again.
   */
  private async keepJudged(
    updates: ReadonlyMap<string, ReadonlyMap<string, JudgedProgress | null>>,
    writesByProject: ReadonlyMap<string, readonly EvaluationWrite[]>,
  ): Promise<void> {
    const changed = [...updates.keys()];
    if (changed.length === 0) return;
    const stored = await this.judgedDocs(changed);
    const ops: AnyBulkWriteOperation<ProjectJudgedDoc>[] = [];
    for (const projectId of changed) {
      const judged = judgedOf(stored.get(projectId));
      for (const [id, j] of updates.get(projectId)!) judged.set(id, j);
      const versions = new Map((writesByProject.get(projectId) ?? []).map((w) => [w.doc._id, w.doc.progressVersion]));
      const kept: Record<string, JudgedProgress | null> = {};
      for (const [id, j] of judged) {
        if (!ofProject(id, projectId)) continue;
        // A unit written now keeps only what it was judged on; the others keep theirs.
        if (versions.has(id) && (j?.version ?? null) !== versions.get(id)) continue;
        kept[id] = j;
      }
      ops.push({
        replaceOne: {
          filter: { _id: projectId },
          replacement: { judged: JSON.stringify(kept), writes: (stored.get(projectId)?.writes ?? 0) + 1 },
          upsert: true,
        },
      });
    }
    await upsertContested('judged progress', `${changed.length} project(s)`, () =>
      bulkWriteChunked(this.judgedCol, ops, { ordered: false }),
    );
  }
}
