/**
 * "Lost" and "doubled" in events, not just in sums: how many events each tracked unit of the
 * mixed traffic must have counted (from the published events alone, duplicates by event id
 * once, following samples/bindings.yaml by hand), against the `eventCount` ingest keeps.
 * The totals themselves come from test/integration/ingest (expectedTotals/observedTotals).
 */
import { progressOf, type Connection } from '@iw/mongo';
import { observedTotals, UNIT, withoutCount } from '../../integration/ingest/harness';
import { expectedTotals, P_INSPECT, SURVEY_KEY, type Published } from '../../integration/ingest/traffic';

export type UnitName = keyof typeof UNIT;

/** Which traffic events each unit of UNIT takes (the bindings of the seed catalogue). */
const TAKES: Record<UnitName, (role: string, e: Record<string, unknown>) => boolean> = {
  gasoline: (r, e) => r === 'inspectionBatches' && e.category === '汽油',
  coverage: (r, e) => r === 'inspectionBatches' && ['汽油', '柴油', '化肥', '农膜'].includes(e.category as string),
  cost: (r, e) => r === 'inspectionBatches' && ['汽油', '柴油'].includes(e.category as string),
  cases: (r, e) => r === 'cases' && e.projectName === P_INSPECT,
  // A ratio skips an event that is 0 on both sides (0 of 0 batches says nothing).
  food: (r, e) =>
    r === 'inspectionBatches' &&
    e.category === '食品' &&
    ((e.batches as number) > 0 || (e.qualifiedBatches as number) > 0),
  survey: (r, e) => r === 'surveys' && e.surveyKey === SURVEY_KEY,
  budget: (r, e) => r === 'spending' && e.projectName === P_INSPECT,
  latest: (r, e) => r === 'measurements' && e.kind === 'set',
  milestone: (r, e) => r === 'measurements' && e.kind === 'milestone',
};

export function expectedCounts(events: readonly Published[]): Record<UnitName, number> {
  const seen = new Set<string>();
  const counts = Object.fromEntries(Object.keys(UNIT).map((k) => [k, 0])) as Record<UnitName, number>;
  for (const { role, event } of events) {
    const key = `${role}|${String(event.eventId)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const name of Object.keys(TAKES) as UnitName[]) if (TAKES[name](role, event)) counts[name]++;
  }
  return counts;
}

export async function observedCounts(conn: Connection): Promise<Record<UnitName, number>> {
  const docs = await progressOf(conn)
    .find({ _id: { $in: Object.values(UNIT) } }, { projection: { eventCount: 1 } })
    .toArray();
  const byId = new Map(docs.map((d) => [d._id, d.eventCount ?? 0]));
  return Object.fromEntries(Object.entries(UNIT).map(([name, id]) => [name, byId.get(id) ?? 0])) as Record<
    UnitName,
    number
  >;
}

export interface Reconciliation {
  expected: ReturnType<typeof withoutCount>;
  observed: Awaited<ReturnType<typeof observedTotals>>;
  expectedCounts: Record<UnitName, number>;
  observedCounts: Record<UnitName, number>;
  lost: number;
  doubled: number;
  /** Units whose count is off, e.g. `coverage 3539→3301` (empty when none). */
  diff: string;
  /** Distinct events (by role and event id) published. */
  distinctEvents: number;
}

/** Compares what `conn`'s progress holds with what `events` must give. */
export async function reconcile(conn: Connection, events: readonly Published[]): Promise<Reconciliation> {
  const all = expectedTotals([...events]);
  const expectedC = expectedCounts(events);
  const observedC = await observedCounts(conn);
  let lost = 0;
  let doubled = 0;
  for (const name of Object.keys(expectedC) as UnitName[]) {
    lost += Math.max(0, expectedC[name] - observedC[name]);
    doubled += Math.max(0, observedC[name] - expectedC[name]);
  }
  const diff = (Object.keys(expectedC) as UnitName[])
    .filter((n) => expectedC[n] !== observedC[n])
    .map((n) => `${n} ${expectedC[n]}→${observedC[n]}`)
    .join(', ');
  return {
    expected: withoutCount(all),
    observed: await observedTotals(conn),
    expectedCounts: expectedC,
    observedCounts: observedC,
    lost,
    doubled,
    diff,
    distinctEvents: all.eventsByEventId,
  };
}

/** A short line for the summary table. */
export function brief(t: {
  gasolineBatches: number;
  casesClosed: number;
  casesOpened: number;
  surveyRespondents: number;
  spentYuan: number;
}): string {
  return `汽油${t.gasolineBatches} 结${t.casesClosed}/${t.casesOpened} 访${t.surveyRespondents} ¥${Math.round(t.spentYuan)}`;
}
