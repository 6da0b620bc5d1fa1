import type { Connection } from 'mongoose';
import { catalogueUnits, periodOf, type TrackedUnit } from '@iw/measures';
import { endOfLocalDay, localDate } from '@iw/clock';
import { projectAgency } from '@iw/people';
import { checkReportDate, type AgencyReportInput, type MonitoringReportInput } from '@iw/report';
import { budgetTrackId, type Target } from '@iw/targets';
import type { DeviationDoc, IndicatorDoc, ProjectDoc, TargetVersionDoc } from './documents';
import { indicatorsOf, projectIndexOf, projectsOf } from './repositories/collections';
import { HistoryRepository } from './repositories/history.repository';
import { ProgressRepository } from './repositories/progress.repository';

/** One project's 绩效监控表 input without the date and clock (the caller adds them). */
export type ProjectReportInput = Omit<MonitoringReportInput, 'asOf' | 'now' | 'timeZone' | 'riskConfig'>;

/**
 * What the 绩效监控表 of `projects` as of instant `at` reads, loaded once for the status API and
 * `iw report`: the indicators with the targets valid at `at` (target history; one added later is
 * left out), the 偏差原因 recorded by then (deviation history), the tracked units with those
 * targets, and their progress (which libs/report cuts back to the date, assessments included).
 */
export async function loadReportInputs(
  conn: Connection,
  options: { projects: readonly ProjectDoc[]; units: ReadonlyMap<string, TrackedUnit>; at: number },
): Promise<ProjectReportInput[]> {
  const { projects, units, at } = options;
  const projectIds = projects.map((p) => p._id);
  if (projectIds.length === 0) return [];
  const history = new HistoryRepository(conn);
  // By `_id` where every project has its index (see ProjectIndexDoc), else by field.
  const index = await projectIndexOf(conn)
    .find({ _id: { $in: projectIds } })
    .toArray();
  const byId = index.length === projectIds.length;
  const [indicators, targets, heads] = await Promise.all([
    // Archived ones too: one removed from the table after `at` was in it then.
    (byId
      ? indicatorsOf(conn).find({ _id: { $in: index.flatMap((d) => d.indicators) } })
      : indicatorsOf(conn).find({ projectId: { $in: projectIds } })
    )
      .toArray()
      .then((docs) =>
        docs.sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : a.line - b.line)),
      ),
    history.targetsAsOf(projectIds, at, byId ? index.flatMap((d) => d.targetVersions) : undefined),
    history.projectsAsOf(projectIds, at, byId ? index.flatMap((d) => d.projectVersions) : undefined),
  ]);
  const unitsByIndicator = new Map<string, TrackedUnit[]>();
  for (const u of units.values()) {
    if (u.indicatorId === null) continue;
    unitsByIndicator.set(u.indicatorId, [...(unitsByIndicator.get(u.indicatorId) ?? []), u]);
  }
  const projectOf = new Map(projects.map((p) => [p._id, p]));
  // The indicators in the table at `at`, each with the units it is judged by.
  const rows: Array<{ doc: IndicatorDoc; version: TargetVersionDoc | undefined; own: TrackedUnit[] }> = [];
  for (const doc of indicators) {
    const version = targets.get(doc._id);
    if (version === null || version?.archived) continue; // not in the table on that date
    if (doc.archived && !version) continue; // archived before history was kept
    let own = unitsByIndicator.get(doc._id) ?? [];
    // Archived since: no longer bound, judged with its default measure on its stored progress.
    if (own.length === 0 && doc.archived && version) own = defaultUnits(projectOf.get(doc.projectId)!, version);
    if (own.length === 0) continue; // not tracked
    rows.push({ doc, version, own });
  }
  const deviations = await history.deviationsAsOf(
    rows.map((r) => r.doc._id),
    at,
  );
  const unitIds = [...projectIds.map(budgetTrackId), ...rows.flatMap((r) => r.own.map((u) => u.id))];
  const progress = await new ProgressRepository(conn).find(unitIds);
  const byProject = new Map<string, typeof rows>();
  for (const r of rows) byProject.set(r.doc.projectId, [...(byProject.get(r.doc.projectId) ?? []), r]);

  return projects.map((p): ProjectReportInput => {
    const budget = units.get(budgetTrackId(p._id));
    // The project's head (name, funds, goal …) as the table stated it at `at`.
    const head = heads.get(p._id) ?? p;
    return {
      project: {
        id: p._id,
        name: head.name,
        budgetUnit: head.budgetUnit,
        fiscalYear: p.fiscalYear,
        goal: head.goal,
        funds: head.funds,
        tableKind: head.tableKind,
      },
      budget: budget ? { unit: budget, progress: progress.get(budget.id) ?? null } : null,
      indicators: (byProject.get(p._id) ?? []).flatMap(({ doc, version, own }) => {
        const row = version ?? doc;
        const deviation = deviations.get(doc._id) ?? deviationWithoutHistory(doc, at);
        return [
          {
            id: doc._id,
            level1: row.level1,
            level2: row.level2,
            name: row.name,
            value: row.value,
            units: own.map((u) => {
              const unit = version ? asOf(u, version, p.fiscalYear) : u;
              return { unit, progress: progress.get(u.id) ?? null };
            }),
            deviation: deviation
              ? ({
                  category: deviation.category,
                  remark: deviation.remark,
                  measures: deviation.measures,
                } as NonNullable<ProjectReportInput['indicators'][number]['deviation']>)
              : null,
          },
        ];
      }),
    };
  });
}

/** The units of an indicator no longer in the catalogue, with their default measures (libs/measures). */
function defaultUnits(p: ProjectDoc, v: TargetVersionDoc): TrackedUnit[] {
  const catalogue = {
    fiscalYear: p.fiscalYear,
    problems: [],
    projects: [
      {
        id: p._id,
        name: p.name,
        tableKind: p.tableKind,
        budgetUnit: p.budgetUnit,
        line: p.line,
        funds: p.funds,
        goal: p.goal,
        indicators: [
          {
            id: v.indicatorId,
            line: 0,
            level1: v.level1,
            level2: v.level2,
            name: v.name,
            value: v.value,
            target: v.target,
          },
        ],
      },
    ],
  };
  return catalogueUnits(catalogue).filter((u) => u.indicatorId === v.indicatorId);
}

/** A unit judged against the target of `version` (its measure and scale stay: they come with the bindings). */
function asOf(unit: TrackedUnit, version: TargetVersionDoc, fiscalYear: number): TrackedUnit {
  let target: Target | undefined;
  if (unit.kind === 'part') target = version.parts.find((x) => x.id === unit.id)?.target;
  else if (version.target.kind !== 'compound') target = version.target;
  if (!target || JSON.stringify(target) === JSON.stringify(unit.target)) return unit;
  return { ...unit, target, period: periodOf(target, fiscalYear) };
}

/** A 偏差原因 stored before its history was kept counts from when it was written. */
function deviationWithoutHistory(doc: IndicatorDoc, at: number): DeviationDoc | null {
  const d = doc.deviation;
  return d && new Date(d.updatedAt).getTime() <= at ? d : null;
}

/** An agency with no tracked project in the year asked for. */
export class NoSuchAgencyError extends Error {
  constructor(
    readonly agency: string,
    fiscalYear: number,
  ) {
    super(`no agency ${JSON.stringify(agency)} with projects in the ${fiscalYear} catalogue`);
    this.name = 'NoSuchAgencyError';
  }
}

/**
 * Everything the department 绩效监控表 of `agency` (预算单位) reads as of local date `asOf`
 * (default: the clock's today), for libs/report buildAgencyReport: the status API and
 * `iw report` both load it here. A bad date throws ReportDateError; an unknown agency NoSuchAgencyError.
 */
export async function loadAgencyReportInput(
  conn: Connection,
  o: {
    agency: string;
    fiscalYear: number;
    units: ReadonlyMap<string, TrackedUnit>;
    asOf?: string;
    now: number;
    timeZone: string;
  },
): Promise<AgencyReportInput> {
  const asOf = o.asOf ?? localDate(o.now, o.timeZone);
  checkReportDate(asOf, o.fiscalYear);
  const projects = (
    await projectsOf(conn).find({ fiscalYear: o.fiscalYear, archived: false }).sort({ line: 1 }).toArray()
  ).filter((p) => projectAgency(p) === o.agency);
  if (projects.length === 0) throw new NoSuchAgencyError(o.agency, o.fiscalYear);
  const at = Math.min(o.now, endOfLocalDay(asOf, o.timeZone) - 1);
  // A project added to the tables after the date was not in the agency's report then.
  const heads = await new HistoryRepository(conn).projectsAsOf(
    projects.map((p) => p._id),
    at,
  );
  const then = projects.filter((p) => heads.get(p._id) !== null && !heads.get(p._id)?.archived);
  return {
    agency: o.agency,
    fiscalYear: o.fiscalYear,
    asOf,
    now: o.now,
    timeZone: o.timeZone,
    projects: await loadReportInputs(conn, { projects: then, units: o.units, at }),
  };
}
