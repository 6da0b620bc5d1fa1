import type { AlertUnit, UnitEvaluation } from '@iw/alerts';
import { judgedAt, targetUnit, type JudgedProgress, type TrackedUnit } from '@iw/measures';
import type { EvaluationDoc } from '@iw/mongo';
import {
  evaluate,
  isCumulative,
  LINEAR_PACE,
  hasData,
  likelihoodOf,
  paceLabel,
  pendingDueAt,
  settle,
  type Evaluation,
  type Pace,
  type RelativeBase,
  type RiskConfig,
  type SettledStatus,
} from '@iw/risk';
import { budgetTrackId, describeTarget, type ParsedCatalogue } from '@iw/targets';

/**
 * Evaluate stage: one tracked unit, its progress and its previous settled state → the new
 * `evaluations` document and what the alert path is told. Pure.
 */

/** What the catalogue adds to a tracked unit: its 二级指标 and its 指标值 as written. */
export interface IndicatorInfo {
  level2: string;
  /** The 指标值 as written; absent when describeTarget writes the target alike (alertUnitOf's text is the same). */
  value?: string;
  /** The project's agency (预算单位): the notification policy matches on it. */
  agency?: string;
  /** The pace the pace file assigns (paceFor); linear when absent. */
  pace?: Pace;
}

export interface AssessContext {
  /** The clock's now: when a status began (anti-flap) and when the evaluation was made. */
  now: number;
  /**
   * The domain time the unit's sources are processed to: the earliest of their watermarks, at most
   * `now` (libs/measures asOfFor). Absent: `now`. The unit is judged as of it, or as of its latest
   * counted event if that is later (libs/measures judgedAt).
   */
  asOf?: number;
  timeZone: string;
  /** IW_PENDING_FOR (anti-flap). */
  pendingForMs: number;
  risk: RiskConfig;
}

/** What `assess` decides about one unit: the document to store, the engine's output and what the alert path hears. */
export interface Verdict {
  doc: EvaluationDoc;
  /** The engine's verdict, before anti-flap. */
  evaluation: Evaluation;
  /** For the alert path; null while a new status waits out IW_PENDING_FOR (nothing changed yet). */
  forAlert: UnitEvaluation | null;
}

/**
 * What the catalogue adds, per tracked unit: each indicator's 二级指标, 指标值, agency and pace
 * (`paceOf`; a compound part takes its indicator's, by indicatorId), and each project's budget
 * track its agency — so the policy's agency routes and the agency's office people (escalations)
 * reach a 预算执行率 alert too; its pace stays 序时进度, the official one.
 *
 * The 指标值 is kept only where describeTarget writes the target otherwise; the rest (most of a
 * province's 100,000 indicators) share one object per agency, 二级指标 and pace.
 */
export function catalogueInfo(
  catalogue: Pick<ParsedCatalogue, 'projects'>,
  paceOf: (
    project: ParsedCatalogue['projects'][number],
    indicator: ParsedCatalogue['projects'][number]['indicators'][number],
  ) => Pace,
): Map<string, IndicatorInfo> {
  const info = new Map<string, IndicatorInfo>();
  const shared = new Map<Pace | undefined, Map<string, IndicatorInfo>>();
  const sharedInfo = (level2: string, agency: string | undefined, pace: Pace | undefined): IndicatorInfo => {
    let byText = shared.get(pace);
    if (!byText) shared.set(pace, (byText = new Map<string, IndicatorInfo>()));
    const key = `${level2}\n${agency ?? ''}`;
    let kept = byText.get(key);
    if (!kept) byText.set(key, (kept = infoOf(level2, undefined, agency, pace)));
    return kept;
  };
  for (const p of catalogue.projects) {
    const agency = p.budgetUnit?.trim() || undefined;
    info.set(budgetTrackId(p.id), sharedInfo('', agency, undefined));
    for (const i of p.indicators) {
      const pace = paceOf(p, i);
      info.set(
        i.id,
        i.value && i.value !== describeTarget(i.target)
          ? infoOf(i.level2, i.value, agency, pace)
          : sharedInfo(i.level2, agency, pace),
      );
    }
  }
  return info;
}

/** An IndicatorInfo without the fields it has no value for (no undefined fields: the tests compare whole ones). */
function infoOf(
  level2: string,
  value: string | undefined,
  agency: string | undefined,
  pace: Pace | undefined,
): IndicatorInfo {
  return {
    level2,
    ...(value ? { value } : {}),
    ...(agency ? { agency } : {}),
    ...(pace ? { pace } : {}),
  };
}

/** The key of a unit's entry in catalogueInfo: its indicator's id (a part's parent), else its own (a budget track). */
export function infoKeyOf(unit: Pick<TrackedUnit, 'id' | 'indicatorId'>): string {
  return unit.indicatorId ?? unit.id;
}

/** The unit as the alert path names it (no undefined fields: alerts compare units by their JSON). */
export function alertUnitOf(unit: TrackedUnit, info?: IndicatorInfo): AlertUnit {
  const targetText = unit.kind === 'indicator' && info?.value ? info.value : describeTarget(unit.target);
  return {
    id: unit.id,
    indicatorId: unit.indicatorId ?? unit.id,
    projectId: unit.projectId,
    projectName: unit.projectName,
    ...(info?.agency ? { agency: info.agency } : {}),
    indicatorName: unit.name,
    ...(unit.kind === 'part' && unit.part ? { partLabel: unit.part } : {}),
    targetText,
    unit: targetUnit(unit.target),
    ...(usesPace(unit) ? { pace: paceLabel(info?.pace ?? LINEAR_PACE) } : {}),
  };
}

/** Whether 按进度应完成 follows a pace: cumulative measures of a quantity (a budget too). */
function usesPace(unit: TrackedUnit): boolean {
  const k = unit.target.kind;
  return isCumulative(unit.measure) && (k === 'numeric' || k === 'range' || k === 'formula' || k === 'relative');
}

function settledOf(doc: EvaluationDoc | null): SettledStatus | null {
  if (!doc) return null;
  const base = { status: doc.status, since: doc.since.getTime() };
  return doc.pending ? { ...base, pending: { status: doc.pending.status, since: doc.pending.since.getTime() } } : base;
}

export function assess(
  unit: TrackedUnit,
  progress: JudgedProgress | null,
  previous: EvaluationDoc | null,
  ctx: AssessContext,
  info?: IndicatorInfo,
  /** Year-on-year targets: the base (relativeBaseOf); null or absent: 缺少上年基数. */
  base?: RelativeBase | null,
): Verdict {
  if (unit.target.kind === 'compound') throw new Error(`${unit.id}: a compound indicator is judged by its parts`);
  const asOf = judgedAt(ctx.now, ctx.asOf ?? ctx.now, progress?.lastEventAt);
  const evaluation = evaluate(
    {
      target: unit.target,
      measure: unit.measure,
      progress,
      period: unit.period,
      now: asOf,
      timeZone: ctx.timeZone,
      ...(info?.level2 ? { level2: info.level2 } : {}),
      ...(info?.pace ? { pace: info.pace } : {}),
      ...(base ? { base } : {}),
    },
    ctx.risk,
  );
  const settled = settle(settledOf(previous), evaluation.status, ctx.now, ctx.pendingForMs);
  const dueAt = pendingDueAt(settled, ctx.pendingForMs);
  const actual = progress?.actual ?? null;
  const doc: EvaluationDoc = {
    _id: unit.id,
    kind: unit.kind,
    projectId: unit.projectId,
    indicatorId: unit.indicatorId,
    status: settled.status,
    likelihood: likelihoodOf(settled.status, hasData(progress)),
    since: new Date(settled.since),
    pending:
      settled.pending && dueAt !== null
        ? { status: settled.pending.status, since: new Date(settled.pending.since), dueAt: new Date(dueAt) }
        : null,
    evaluatedStatus: evaluation.status,
    actual,
    expected: evaluation.expected,
    forecast: evaluation.forecast,
    reason: evaluation.reason,
    daysLeft: evaluation.daysLeft,
    deadline: evaluation.deadline,
    warningDays: evaluation.warningDays ?? null,
    progressVersion: progress?.version ?? null,
    evaluatedAt: new Date(ctx.now),
    asOf: new Date(asOf),
    rev: previous ? previous.rev + 1 : 1,
  };
  // No pending status means the settled status is the engine's own verdict.
  const forAlert: UnitEvaluation | null = settled.pending
    ? null
    : {
        unit: alertUnitOf(unit, info),
        status: settled.status,
        likelihood: evaluation.likelihood,
        actual,
        expected: evaluation.expected,
        forecast: evaluation.forecast,
        reason: evaluation.reason,
        daysLeft: evaluation.daysLeft,
        deadline: evaluation.deadline,
        ...(evaluation.recurring?.missed.length
          ? { missedPeriods: evaluation.recurring.missed.map(({ key, label, due }) => ({ key, label, due })) }
          : {}),
      };
  return { doc, evaluation, forAlert };
}

/**
 * Fields an evaluation document does not compare on: bookkeeping (when and as of when it was
 * judged), and the figures that follow the clock — 按进度应完成, 全年预计, days left, and the reason
 * that quotes them move every day without anything happening. They are brought up to date with
 * the next write; the status app judges every unit live for its pages, and a notice carries the
 * figures of the evaluation that made it.
 */
const NOT_COMPARED = new Set<string>([
  '_id',
  'rev',
  'evaluatedAt',
  'asOf',
  'expected',
  'forecast',
  'reason',
  'daysLeft',
]);

/**
 * Whether `next` must be written over `stored`: only when what it says changed — the settled
 * status, the pending status, the engine's verdict, the likelihood, 实际完成值, the deadline, the
 * progress version it was judged on … So a sweep writes only the units whose standing changed:
 * the daily sweep of a province whose data did not move writes (almost) nothing, and
 * `evaluatedAt` is when the document last changed, not the last time the unit was judged. Pure.
 */
export function needsWrite(next: EvaluationDoc, stored: EvaluationDoc | null): boolean {
  if (!stored) return true;
  const keys = new Set([...Object.keys(next), ...Object.keys(stored)]);
  for (const k of keys) {
    if (NOT_COMPARED.has(k)) continue;
    const a = (next as unknown as Record<string, unknown>)[k] ?? null;
    const b = (stored as unknown as Record<string, unknown>)[k] ?? null;
    if (a === b) continue;
    if (JSON.stringify(a) !== JSON.stringify(b)) return true;
  }
  return false;
}
