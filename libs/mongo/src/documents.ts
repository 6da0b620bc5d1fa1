import type { Binary } from 'mongodb';
import type { Funds, FundsByNature, MainTask, TableKind, Target } from '@iw/targets';
import type { Progress } from '@iw/measures';

/**
 * What each MongoDB collection holds. Every write the services make is a single-document
 * atomic update (FerretDB has no transactions), keyed so that a retry is harmless.
 */

export const COLLECTIONS = {
  projects: 'projects',
  indicators: 'indicators',
  progress: 'progress',
  progressVersions: 'progress_versions',
  eventIds: 'event_ids',
  eventTexts: 'event_texts',
  dlq: 'dlq',
  dlqRedrives: 'dlq_redrives',
  owners: 'owners',
  /** One document per project holding its units' evaluations (EvaluationRepository). */
  evaluations: 'project_evaluations',
  /** The claimed versions (`rev`) of the project evaluations' documents (VersionedDocs). */
  evaluationVersions: 'evaluation_versions',
  /** One document per project: the progress each unit's evaluation was judged on (alerting's sweep reads it). */
  judged: 'project_judged',
  /** One document (`_id` 'last'): the last sweep, and as of when the stored evaluations hold. */
  sweeps: 'sweeps',
  alerts: 'alerts',
  alertVersions: 'alert_versions',
  outbox: 'outbox',
  outboxClaims: 'outbox_claims',
  /** Mails accepted whose outbox documents are not marked `sent` yet (OutboxRepository.settleSent). */
  outboxSent: 'outbox_sent',
  leases: 'leases',
  /** The people directory's entries (people file, `iw people`). */
  people: 'people',
  /** Signed-in sessions (the cookie holds a secret whose SHA-256 is the `_id`). */
  sessions: 'sessions',
  /** What people did: appended, never updated or deleted. */
  audit: 'audit',
  /** The generated link secret (first writer wins). */
  secrets: 'secrets',
  /** Indicators as each import wrote them, with their valid-from times: appended, never updated. */
  targetHistory: 'target_history',
  /** Every 偏差原因/整改措施 recorded, with its valid-from time: appended, never updated. */
  deviationHistory: 'deviation_history',
  /** Projects (their table heads: name, funds, goal …) as each import wrote them: appended, never updated. */
  projectHistory: 'project_history',
  /** Fiscal years closed with `iw years close` (inserted once, never updated). */
  fiscalYears: 'fiscal_years',
  /** One document (`_id` 'catalogue'): a new token whenever an import changed the catalogue or owners. */
  catalogueVersion: 'catalogue_version',
  /** The catalogue of a fiscal year as its last import left it, in a few JSON chunks: what services load at start. */
  catalogueSnapshot: 'catalogue_snapshot',
  /** One document per fiscal year imported (`_id` the year as text): its projects and its snapshot's token. */
  catalogueYears: 'catalogue_years',
  /** One document per project (`_id` its id): the `_id`s of its indicators and history versions (ProjectIndexDoc). */
  projectIndex: 'project_index',
  /** One document per actuals topic: how far ingest has processed each partition (event time). */
  sourceWatermarks: 'source_watermarks',
} as const;

/**
 * What a project's 绩效监控表 reads, by `_id`: its indicators (archived ones too) and every
 * version of its head and of its indicators' targets in the history. On FerretDB a query by any
 * other field reads the whole collection (a province's one-project report took 29 s, three such
 * reads); by `_id` it reads only these. Written by the import before what it names (so it may
 * name an id not there yet, never miss one), ids only ever added; a project without one is
 * read by its fields, as before.
 */
export interface ProjectIndexDoc {
  _id: string;
  indicators: string[];
  targetVersions: string[];
  projectVersions: string[];
}

/**
 * One chunk of a fiscal year's catalogue in the shape CatalogueRepository.load returns (its
 * projects, each with its indicators, as JSON text: a few large documents read far faster on
 * FerretDB than 100,000 small ones). `_id` `<year>:<token>:<n>`; a snapshot is complete when
 * all `chunks` chunks of its token are there.
 */
export interface CatalogueSnapshotDoc {
  _id: string;
  year: number;
  token: string;
  n: number;
  chunks: number;
  writtenAt: Date;
  json: string;
}

/** The catalogue's change signal: services compare `token` (one read by `_id`) instead of scanning the catalogue. */
export interface CatalogueVersionDoc {
  _id: 'catalogue';
  token: string;
  changedAt: Date;
  /** Every fiscal year of the catalogue has its `catalogue_years` document (else the years are found by a scan). */
  years?: boolean;
}

/**
 * A fiscal year of the catalogue as its last import left it, `_id` the year as text: how many
 * projects it has (0: every one archived) and the token of the snapshot that import wrote (null:
 * a year imported before snapshots, read from its documents). Services list the years and find
 * the snapshot's chunks by `_id` from these few documents instead of scanning the catalogue.
 */
export interface CatalogueYearDoc {
  _id: string;
  year: number;
  projects: number;
  token: string | null;
  chunks: number;
  writtenAt: Date;
}

/** A closed fiscal year, `_id` the year as text: its late events go to the DLQ (`year_closed`). */
export interface FiscalYearDoc {
  _id: string;
  year: number;
  closedAt: Date;
  closedBy: string;
}

export interface ProjectDoc {
  _id: string; // projectId
  fiscalYear: number;
  name: string;
  tableKind: TableKind;
  budgetUnit: string;
  /** The 预算单位 the id carries; absent on a project stored before ids carried it (migrated at import). */
  agency?: string;
  funds: Funds;
  /** 部门整体 tables: 按支出性质分. */
  fundsByNature?: FundsByNature;
  goal: string;
  /** 部门整体 tables: 部门职能概述. */
  functions?: string;
  /** 部门整体 tables: 年度主要任务 with their amounts. */
  tasks?: MainTask[];
  /** Worksheet of a workbook (the line is per sheet). */
  sheet?: string;
  line: number;
  sourceFile: string;
  archived: boolean;
  importedAt: Date;
  updatedAt: Date;
}

export interface IndicatorPartDoc {
  id: string; // partId
  label: string;
  target: Target;
}

export interface DeviationDoc {
  /** 偏差原因 category: 经费保障 | 制度保障 | 人员保障 | 硬件条件保障 | 其他 */
  category: string;
  remark: string;
  /** 整改措施 */
  measures: string;
  updatedAt: Date;
  updatedBy?: string;
}

/**
 * One indicator as one import wrote it (added, changed, revived or archived), `_id`
 * `${indicatorId}@${recordedAt ISO}`. Valid from `validFrom`; a version written by the first
 * import of its fiscal year (`yearStart`) is valid from the start of that year, since the table
 * states the year's targets. A back-dated report takes the newest version valid on its date.
 */
export interface TargetVersionDoc {
  _id: string;
  indicatorId: string;
  projectId: string;
  fiscalYear: number;
  validFrom: Date;
  yearStart: boolean;
  level1: string;
  level2: string;
  name: string;
  value: string;
  target: Target;
  parts: IndicatorPartDoc[];
  archived: boolean;
  sourceFile: string;
}

/** One project's table head as one import wrote it; keyed and valid like TargetVersionDoc. */
export interface ProjectVersionDoc {
  _id: string;
  projectId: string;
  fiscalYear: number;
  validFrom: Date;
  yearStart: boolean;
  name: string;
  tableKind: TableKind;
  budgetUnit: string;
  funds: Funds;
  goal: string;
  archived: boolean;
  sourceFile: string;
}

/** One 偏差原因/整改措施 as recorded, `_id` `${indicatorId}@${validFrom ISO}` (`#n` when two share an instant). */
export interface DeviationVersionDoc extends DeviationDoc {
  _id: string;
  indicatorId: string;
  validFrom: Date;
}

export interface IndicatorDoc {
  _id: string; // indicatorId
  projectId: string;
  fiscalYear: number;
  level1: string;
  level2: string;
  name: string;
  value: string;
  target: Target;
  /** Compound targets: each part is tracked on its own under its part id. */
  parts: IndicatorPartDoc[];
  /** 指标值说明 and 权重 columns, when the table has them. */
  note?: string;
  weight?: number;
  /** Worksheet of a workbook (the line is per sheet). */
  sheet?: string;
  line: number;
  archived: boolean;
  deviation?: DeviationDoc | null;
  importedAt: Date;
  updatedAt: Date;
}

/**
 * One tracked unit's progress (indicator, compound part, or project budget). The growing lists
 * (daily history, distinct values) are stored as JSON text: FerretDB 1.24 stores every nested
 * field with its type alongside, and a year of daily points made a replace cost 34 ms and a read
 * 22 ms (as text: 4 ms). Documents written as arrays (older ones) read back the same.
 */
export interface ProgressDoc extends Omit<Progress, 'id' | 'history' | 'distinctValues' | 'distinctSeen' | 'readings'> {
  _id: string;
  history: string | Progress['history'];
  distinctValues?: string | Progress['distinctValues'];
  distinctSeen?: string | Progress['distinctSeen'];
  /** max, min, latest, milestone: the readings kept for corrections, as JSON text. */
  readings?: string | Progress['readings'];
  indicatorId: string | null; // null for a budget track
  projectId: string;
  /** Highest Kafka offset applied per source partition (exactly-once fence). */
  applied: Record<string, number>;
  version: number;
  updatedAt: Date;
}

/**
 * A claimed version of a unit's progress, `_id` `${unitId}@${version}`: inserted BEFORE the
 * `progress` document is replaced, so of two writers computing the same next version only one
 * succeeds (an insert under a unique `_id` is atomic on FerretDB too; a conditional update is
 * not). Holds the full state, so a writer that crashed between the claim and the replace is
 * rolled forward by the next one. Only the newest two keep their state; older claims stay as
 * ids, so a version once claimed can never be claimed again.
 */
export interface ProgressVersionDoc {
  _id: string;
  unit: string;
  version: number;
  state?: Omit<ProgressDoc, '_id'>;
  /** The state's long text fields (history, readings …), deflated JSON (VersionedDocs `packAbove`). */
  packed?: Binary;
  at: Date;
}

/**
 * One segment of a topic's event-id log (EventIdRepository): the ids one batch saw first, with
 * the position of that first delivery and a hash of its content. `_id` `<topic>#<seq>`: appending
 * is an insert of the next sequence number, so of two writers only one appends it.
 */
export interface EventIdSegmentDoc {
  _id: string;
  /** The topic's role (`inspectionBatches`, …): the log's name. */
  log: string;
  seq: number;
  /** Wall-clock time of the append (retention). */
  at: Date;
  count: number;
  /** The event_texts document holding these events' values, in the same order (or at `textAt`). */
  textsId: string;
  /** Deflated JSON: `[[eventId, contentHash, partition, offset], …]`. */
  ids: Binary;
  /**
   * Where each id's text is in the texts document, when not in the same order: the writer wrote
   * the texts of its batch's candidates before claiming the segment, and some proved known.
   */
  textAt?: number[];
}

/** The values (UTF-8 text) of a segment's events, in its order: deflated JSON `[text, …]`. */
export interface EventTextsDoc {
  _id: string; // `<topic>#<seq>~<writer's random id>`, or `<topic>~<writer's random id>` (written before its segment's seq was known)
  log: string;
  /** The segment's seq; 0 when written before it was known (the segment names this document). */
  seq: number;
  at: Date;
  texts: Binary;
}

export interface DlqDoc {
  _id: string; // `${topic}:${partition}:${offset}` — one record per rejected message, however often replayed
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  reasonClass: string;
  reason: string;
  preview: string;
  at: Date;
  /** conflicting_duplicate: the first delivery of the event id, and the start of its value. */
  firstSeen?: { topic: string; partition: number; offset: string; preview: string };
  /** Wall-clock time it was stored (retention); `at` is domain time. */
  storedAt?: Date;
  /** The original value, base64, when a redrive can republish it (whole, within the message size limit). */
  originalBase64?: string;
  originalSize?: number;
  /** The message was itself republished from the DLQ (`iw dlq redrive`): the record it came from. */
  redriveOf?: string;
  /** Republished to its topic by `iw dlq redrive` (the claim in `dlq_redrives` decides; this shows it). */
  redrive?: DlqRedriveState;
}

export interface DlqRedriveState {
  /** `claimed`: being republished (or a redrive stopped before it finished); `published`: done. */
  state: 'claimed' | 'published';
  attempt: number;
  at: Date;
  by: string;
}

/**
 * A redrive of one DLQ record, claimed by inserting `${dlqId}#${attempt}` (atomic on FerretDB):
 * of two redrives of one record only one republishes it. A claim left `claimed` by a crash may
 * be taken over by the next attempt number once it is stale; a `published` one never.
 */
export interface DlqRedriveDoc {
  _id: string;
  dlqId: string;
  attempt: number;
  state: 'claimed' | 'published';
  at: Date;
  by: string;
  publishedAt?: Date;
}

/** The owners file as stored: entries, not maps, because keys (indicator ids) contain dots. */
export interface OwnersDoc {
  _id: 'owners';
  fallback: string;
  projects: Array<{ key: string; emails: string[] }>;
  indicators: Array<{ key: string; emails: string[] }>;
  sourceFile: string;
  updatedAt: Date;
}

export function ownersToDoc(o: {
  fallback: string;
  projects: Record<string, string[]>;
  indicators: Record<string, string[]>;
}) {
  const entries = (m: Record<string, string[]>) => Object.entries(m).map(([key, emails]) => ({ key, emails }));
  return { fallback: o.fallback, projects: entries(o.projects), indicators: entries(o.indicators) };
}

export function ownersFromDoc(d: Pick<OwnersDoc, 'fallback' | 'projects' | 'indicators'>) {
  const map = (l: Array<{ key: string; emails: string[] }>) => Object.fromEntries(l.map((e) => [e.key, e.emails]));
  return { fallback: d.fallback, projects: map(d.projects), indicators: map(d.indicators) };
}
