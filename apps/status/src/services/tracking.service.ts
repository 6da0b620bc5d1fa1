import { Inject, Injectable } from '@nestjs/common';
import { endOfLocalDay, localDate, type Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import type { Likelihood, Progress, TrackedUnit } from '@iw/measures';
import type { IndicatorDoc, ProjectDoc } from '@iw/mongo';
import { evaluateUnit, progressAsOf, worstLikelihood, worstStatus } from '@iw/report';
import {
  hasData,
  likelihoodOf,
  paceFor,
  readPacePlan,
  relativeBaseOf,
  riskConfigOf,
  shownStatus,
  type Evaluation,
  type PacePlan,
  type RiskConfig,
  type Status,
} from '@iw/risk';
import { budgetTrackId, previousYearId, type ParsedProject } from '@iw/targets';
import { Store, type UnitSet } from '../adapters/store';
import { APP_CONFIG, CLOCK, REAL_CLOCK } from '../tokens';

/** One tracked unit judged now: the engine's live verdict, and the settled status when alerting wrote one. */
export interface UnitState {
  unit: TrackedUnit;
  progress: Progress | null;
  /** Live evaluation at `now` (expected, forecast, reason). */
  evaluation: Evaluation;
  /** Alerting's settled status (after IW_PENDING_FOR), when it wrote one. */
  settled: Status | null;
  /**
   * The settled status when there is one, else the live one — as shown (shownStatus): `no_data`
   * for an `on_track` without data, whatever alerting keeps for itself.
   */
  status: Status;
  likelihood: Likelihood | null;
  /** Where the pace in use says the unit should have been at the end of a local date (null: no pace). */
  expectedOn(date: string): number | null;
}

/** A project as the status app shows it: the catalogue's table head (from the import's snapshot). */
export type CatalogueProject = Pick<
  ProjectDoc,
  '_id' | 'fiscalYear' | 'name' | 'tableKind' | 'budgetUnit' | 'funds' | 'goal' | 'line'
>;

/** An indicator as the status app shows it: the catalogue's row, with its current 偏差原因. */
export type CatalogueIndicator = Pick<
  IndicatorDoc,
  '_id' | 'projectId' | 'fiscalYear' | 'level1' | 'level2' | 'name' | 'value' | 'target' | 'line' | 'deviation'
>;

export interface IndicatorState {
  doc: CatalogueIndicator;
  project: CatalogueProject;
  /** The indicator's own unit, or a compound's parts in order. */
  units: UnitState[];
  status: Status;
  likelihood: Likelihood | null;
  settled: boolean;
}

export interface ProjectState {
  doc: CatalogueProject;
  indicators: IndicatorState[];
  budget: UnitState | null;
}

export interface Tracking {
  /** Domain time judged at (epoch ms). */
  now: number;
  fiscalYear: number | null;
  projects: ProjectState[];
  bindingsError: string | null;
}

/**
 * A Tracking whose projects are judged one at a time as they are iterated (each iteration judges
 * them again): what reads every project once and keeps a little of each (the project list, the
 * agencies' roll-up, /status) holds one project's judged units at a time, not the 100,000 of a
 * province at once.
 */
export interface TrackingStream extends Omit<Tracking, 'projects'> {
  projects(): Iterable<ProjectState>;
}

/**
 * Joins the catalogue, the tracked units (catalogue + bindings), progress and alerting's settled
 * evaluations, and judges every unit with the risk engine at the one clock's now. The settled
 * status wins where alerting wrote one (so the dashboard agrees with the emails); the live
 * verdict supplies expected, forecast and reason.
 */
/** Which projects a snapshot judges: one (`projectId`), a fiscal year's (`year`, default the newest), those `only` keeps. */
export interface TrackingFilter {
  projectId?: string;
  year?: number;
  /** Only the projects this keeps (a reader's agencies, `?agency=`): the rest are neither read nor judged. */
  only?: (projectId: string) => boolean;
}

@Injectable()
export class TrackingService {
  private readonly risk: RiskConfig;
  /** Pace profiles and thresholds (IW_PACE), read at start-up: a bad line stops the start. */
  readonly pacePlan: PacePlan;

  constructor(
    private readonly store: Store,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
  ) {
    this.pacePlan = readPacePlan(config.files.pace);
    this.risk = riskConfigOf(this.pacePlan, { noDataGraceMs: config.alerting.noDataGraceMs });
  }

  now(): number {
    return this.clock.now();
  }

  get riskConfig(): RiskConfig {
    return this.risk;
  }

  /**
   * Every project of a fiscal year (default: the newest), or just one (in its own year), judged now.
   */
  async snapshot(filter: TrackingFilter = {}): Promise<Tracking> {
    const t = await this.stream(filter);
    return { now: t.now, fiscalYear: t.fiscalYear, bindingsError: t.bindingsError, projects: [...t.projects()] };
  }

  /** Like snapshot, the projects judged as they are iterated (in the same order, with the same states). */
  async stream(filter: TrackingFilter = {}): Promise<TrackingStream> {
    const year =
      filter.projectId === undefined
        ? filter.year
        : ((await this.store.catalogue.project(filter.projectId))?.fiscalYear ?? filter.year);
    const { stream } = await this.judging({
      year,
      ...(filter.projectId === undefined ? {} : { projectIds: [filter.projectId] }),
      ...(filter.only === undefined ? {} : { only: filter.only }),
    });
    return stream;
  }

  /**
   * Some projects of a fiscal year (`projectIds`; all when absent) judged as they are iterated,
   * with the `rev` of each of their evaluation documents as read (the roll-up keeps them to see
   * which were written since) and the unit set they were judged with.
   */
  async judging(filter: {
    year?: number;
    projectIds?: readonly string[];
    /** Only the projects this keeps (a reader's agencies): the rest are neither read nor judged. */
    only?: (projectId: string) => boolean;
  }): Promise<{
    stream: TrackingStream;
    revs: Map<string, number>;
    unitSet: UnitSet | null;
  }> {
    const now = this.clock.now();
    const year = filter.year;
    const { only } = filter;
    const given = filter.projectIds === undefined ? null : new Set(filter.projectIds);
    // Each read as a promise (a repository getter throws while MongoDB is down: a rejection, not a throw mid-way).
    const read = <T>(f: () => Promise<T>): Promise<T> => Promise.resolve().then(f);
    const units = read(() => this.store.units(this.realClock.now(), year));
    // With `only`, the projects wanted are known once the catalogue is read; when it keeps them
    // all, nothing is narrowed (the whole year's state is read in one pass, not by 100,000 ids).
    const narrowed =
      only === undefined
        ? null
        : units.then((set) => {
            const all = (set?.catalogue.projects ?? []).filter((p) => given === null || given.has(p.id));
            const kept = all.filter((p) => only(p.id)).map((p) => p.id);
            return kept.length === all.length ? given : new Set(kept);
          });
    const wanted = narrowed === null ? given : await narrowed;
    // The projects and indicators come from the catalogue the units were made from (the
    // import's snapshot, held by the bindings provider): reading 100,000 indicator documents
    // took FerretDB 15-20 s per request. Only the 偏差原因 change between imports. The
    // catalogue (reloaded only when its token moves) and the state are read side by side.
    const [unitSet, progress, { statuses: settledById, revs }, deviations] = await Promise.all([
      units,
      wanted === null
        ? read(() => this.store.progress.all())
        : // Their units by _id (a filter on projectId scans the collection on FerretDB).
          units.then(async (set) => {
            const ids = [...(set?.units.values() ?? [])].filter((u) => wanted.has(u.projectId)).map((u) => u.id);
            return [...(await this.store.progress.find(ids)).values()];
          }),
      read(() => this.store.evaluations.statusesWithRevs(wanted === null ? undefined : [...wanted])),
      read(() => this.store.deviations()),
    ]);
    if (!unitSet)
      return { stream: { now, fiscalYear: null, projects: () => [], bindingsError: null }, revs, unitSet: null };
    const fiscalYear = unitSet.fiscalYear;
    // The order the documents were listed in: projects by line, indicators by line (sorts are stable).
    const catalogueProjects = unitSet.catalogue.projects
      .filter((p) => wanted === null || wanted.has(p.id))
      .sort((a, b) => a.line - b.line);
    const progressById = new Map(progress.map((p) => [p.id, p]));
    // Year-on-year targets: last year's actual of the same indicator (unless a baseline was given).
    const lastYearIds = [...unitSet.units.values()]
      .filter(
        (u) =>
          u.target.kind === 'relative' &&
          (wanted === null || wanted.has(u.projectId)) &&
          !progressById.has(previousYearId(u.id) ?? ''),
      )
      .map((u) => previousYearId(u.id))
      .filter((id): id is string => id !== null);
    if (lastYearIds.length) for (const [id, p] of await this.store.progress.find(lastYearIds)) progressById.set(id, p);
    const unitsByIndicator = new Map<string, TrackedUnit[]>();
    for (const u of unitSet.units.values()) {
      if (u.indicatorId === null) continue;
      const list = unitsByIndicator.get(u.indicatorId);
      if (list) list.push(u);
      else unitsByIndicator.set(u.indicatorId, [u]);
    }
    // Progress as of today, as the 绩效监控表 as of today reads it: an event counts from its
    // occurredAt on (one a few minutes ahead of the clock, within IW_MAX_CLOCK_SKEW, shows on its own day).
    const today = localDate(now, this.config.timeZone);
    const judge = (unit: TrackedUnit, project: CatalogueProject, doc?: CatalogueIndicator): UnitState => {
      const stored = progressById.get(unit.id) ?? null;
      const p = progressAsOf(stored, today, this.config.timeZone);
      const options: Parameters<typeof evaluateUnit>[4] = {
        level2: doc?.level2,
        config: this.risk,
        pace: paceFor(this.pacePlan, {
          agency: project.budgetUnit,
          projectId: unit.projectId,
          projectName: unit.projectName,
          indicatorId: unit.indicatorId,
          indicatorName: unit.name,
        }),
        base:
          unit.target.kind === 'relative'
            ? relativeBaseOf(unit.target.baseline, progressById.get(previousYearId(unit.id) ?? '') ?? null)
            : undefined,
      };
      const evaluation = evaluateUnit(unit, p, now, this.config.timeZone, options);
      const settled = settledById.get(unit.id) ?? null;
      // Recomputed, not read back: a unit without data is never 确定能, whatever an older document says.
      const likelihood = settled ? likelihoodOf(settled, hasData(p)) : evaluation.likelihood;
      return {
        unit,
        progress: p,
        evaluation,
        settled,
        status: shownStatus(settled ?? evaluation.status, likelihood),
        likelihood,
        // The same judgement as of the end of that day (the daily table's 按进度应完成).
        expectedOn: (date) =>
          evaluateUnit(
            unit,
            progressAsOf(stored, date, this.config.timeZone),
            Math.min(now, endOfLocalDay(date, this.config.timeZone) - 1),
            this.config.timeZone,
            options,
          ).expected,
      };
    };

    const judgeProject = (p: ParsedProject): ProjectState => {
      const { id, name, tableKind, budgetUnit, funds, goal, line } = p;
      const project: CatalogueProject = { _id: id, fiscalYear, name, tableKind, budgetUnit, funds, goal, line };
      const indicators: IndicatorState[] = [];
      for (const i of [...p.indicators].sort((a, b) => a.line - b.line)) {
        const units = unitsByIndicator.get(i.id) ?? [];
        if (units.length === 0) continue; // not tracked
        const { level1, level2, name: indicatorName, value, target, line: indicatorLine } = i;
        const doc: CatalogueIndicator = {
          _id: i.id,
          projectId: id,
          fiscalYear,
          level1,
          level2,
          name: indicatorName,
          value,
          target,
          line: indicatorLine,
          deviation: deviations.get(i.id) ?? null,
        };
        const states = units.map((u) => judge(u, project, doc));
        indicators.push({
          doc,
          project,
          units: states,
          status: worstStatus(states.map((s) => s.status)) ?? 'no_data',
          likelihood: worstLikelihood(states.map((s) => s.likelihood)),
          settled: states.every((s) => s.settled !== null),
        });
      }
      const budget = unitSet.units.get(budgetTrackId(id));
      return { doc: project, indicators, budget: budget ? judge(budget, project) : null };
    };
    return {
      stream: {
        now,
        fiscalYear,
        bindingsError: unitSet.bindingsError,
        projects: function* () {
          for (const p of catalogueProjects) yield judgeProject(p);
        },
      },
      revs,
      unitSet,
    };
  }

  /** One indicator, judged now; null when it is not tracked. */
  async indicator(id: string): Promise<IndicatorState | null> {
    const doc = await this.store.catalogue.indicator(id);
    if (!doc) return null;
    const t = await this.snapshot({ projectId: doc.projectId });
    return t.projects[0]?.indicators.find((i) => i.doc._id === doc._id) ?? null;
  }
}
