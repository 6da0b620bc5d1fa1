import { Inject, Injectable } from '@nestjs/common';
import { localDate, type Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { budgetBehind } from '@iw/report';
import { emptyStatusCounts, type StatusCounts } from '../dtos/common.dto';
import type { ProjectView } from '../dtos/project.dto';
import { ProgressFeed, type ProgressListener } from '../adapters/progress-feed';
import { Store, type UnitSet } from '../adapters/store';
import { APP_CONFIG, CLOCK, REAL_CLOCK } from '../tokens';
import { TrackingService, type ProjectState, type TrackingStream } from './tracking.service';
import { projectView, timeElapsed } from './views';

/** What the whole-province lists keep of one judged project. */
export interface ProjectFigures {
  /** As judged; `timeElapsed` and `behind` are those of the moment it is served (RollUp). */
  view: ProjectView;
  /** Its indicators' tracked units (budget tracks apart), as /status counts them. */
  units: number;
  settled: number;
  byStatus: StatusCounts;
  /** Spent on its budget track, in yuan (0 without one). */
  spentYuan: number;
}

/** Every project of a fiscal year as of `now`, in catalogue order. */
export interface RollUp {
  now: number;
  fiscalYear: number | null;
  bindingsError: string | null;
  projects: ProjectFigures[];
}

/**
 * Once the last whole judgement is this old in domain time, it is made again (in the background):
 * the pace a live-judged unit is held to moves through the day, so a status near its threshold
 * may change without any event. Everything else that changes a project is heard or looked for.
 */
export const ROLL_UP_MAX_AGE_MS = 10 * 60_000;
/**
 * How often (real time, at most; only while requests come) the evaluations' revisions are
 * compared, in the background: alerting writes settled statuses. A settled status shows this much
 * later at worst (alerting itself holds a new status IW_PENDING_FOR before it settles it).
 */
export const REVS_EVERY_MS = 10_000;

interface Kept {
  /** Which whole judgement it is (they are numbered as they start). */
  seq: number;
  unitSet: UnitSet;
  epoch: number;
  day: string;
  judgedAt: number;
  bindingsError: string | null;
  figures: Map<string, ProjectFigures>;
  /** The `rev` of each project's evaluations as its figures read them. */
  revs: Map<string, number>;
  revsReadAt: number;
  /** Projects to judge again before the next answer. */
  dirty: Set<string>;
}

export function figuresOf(p: ProjectState, now: number, timeZone: string, tolerance: number): ProjectFigures {
  const byStatus = emptyStatusCounts();
  let units = 0;
  let settled = 0;
  for (const i of p.indicators)
    for (const u of i.units) {
      byStatus[u.status] += 1;
      units += 1;
      if (u.settled) settled += 1;
    }
  return {
    view: projectView(p, now, timeZone, tolerance),
    units,
    settled,
    byStatus,
    spentYuan: p.budget?.progress?.numerator ?? 0,
  };
}

/**
 * The projects of a fiscal year judged once and kept current, for what lists them all (the
 * agencies' roll-up, the dashboard's landing page, GET /api/projects, /status and /metrics):
 * judging a province's 100,000 units took ~5 s of CPU a request.
 *
 * Kept per fiscal year, and judged again:
 * - whole before answering, when the catalogue or the bindings moved (another unit set), on a new
 *   local day (the progress as of today, deadlines, the pace), and when the progress feed resumed
 *   after a gap (it may have missed changes);
 * - whole in the background, when the last whole judgement is older than ROLL_UP_MAX_AGE_MS (the
 *   pace of a live-judged unit moves through the day): meanwhile the answers are those kept;
 * - project by project, for those whose progress changed (ingest's `indicators.progress`, heard
 *   by ProgressFeed) or whose evaluations alerting wrote since (their `rev`, compared in the
 *   background at most every REVS_EVERY_MS; the request after the comparison judges them).
 * While the feed is not following (Kafka away), every request is judged live, as before.
 * Requests wait in turn, so concurrent ones share one judgement.
 */
@Injectable()
export class RollUpService implements ProgressListener {
  private readonly kept = new Map<number, Kept>();
  /** Change sets of the whole judgements under way: what is heard meanwhile is judged again after. */
  private readonly collecting = new Set<Set<string>>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Changes heard of which the projects are unknown (a message that names none). */
  private unknownChanges = 0;
  /** Whole judgements started so far. */
  private judged = 0;
  /** Years judged whole again in the background right now. */
  private readonly renewing = new Map<number, Promise<unknown>>();
  /** The comparison of the evaluations' revisions under way, if any. */
  private comparing: Promise<void> | null = null;

  constructor(
    private readonly tracking: TrackingService,
    private readonly store: Store,
    private readonly feed: ProgressFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
  ) {
    feed.listen(this);
  }

  changed(projectIds: ReadonlySet<string> | null): void {
    if (projectIds === null) {
      // Unknown which: every project may have changed.
      for (const k of this.kept.values()) for (const id of k.figures.keys()) k.dirty.add(id);
      this.unknownChanges += 1;
      return;
    }
    for (const set of this.collecting) for (const id of projectIds) set.add(id);
    for (const k of this.kept.values()) for (const id of projectIds) if (k.figures.has(id)) k.dirty.add(id);
  }

  /** Following (again): what was kept may miss changes; the newest year is judged in the background, before a request needs it. */
  resumed(): void {
    this.kept.clear();
    void this.current().catch(() => undefined);
  }

  private get tolerance(): number {
    return this.tracking.riskConfig.paceTolerance;
  }

  /** The projects of a fiscal year (default: the newest) as of now; fiscalYear null for a year the catalogue does not hold. */
  current(year?: number): Promise<RollUp> {
    const run = this.queue.then(() => this.refresh(year));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async refresh(year: number | undefined): Promise<RollUp> {
    const now = this.clock.now();
    const unitSet = await this.store.units(this.realClock.now(), year);
    if (!unitSet || !this.feed.following) {
      this.kept.clear();
      return this.live(year);
    }
    let k = this.kept.get(unitSet.fiscalYear);
    const day = localDate(now, this.config.timeZone);
    const sameBasis =
      k !== undefined &&
      k.unitSet.units === unitSet.units &&
      k.unitSet.catalogue === unitSet.catalogue &&
      k.epoch === this.feed.epoch &&
      k.day === day &&
      now >= k.judgedAt; // not a clock set back (tests, a simulated clock restarted)
    if (!sameBasis || !k) {
      // One whole judgement at a time (each holds a province's progress while it runs).
      await this.renewing.get(unitSet.fiscalYear);
      k = await this.judgeAll(unitSet.fiscalYear);
    } else {
      // Only the pace moved since: judged whole again in the background, this answer as kept.
      if (now - k.judgedAt >= ROLL_UP_MAX_AGE_MS) this.judgeAllSoon(unitSet.fiscalYear);
      if (this.realClock.now() - k.revsReadAt >= REVS_EVERY_MS) this.compareRevsSoon(k);
      if (k.dirty.size) k = await this.judgeSome(k);
    }
    if (!k) return this.live(year);
    return this.answer(k, this.clock.now());
  }

  /** Every project judged now, nothing kept (the feed is not following). */
  private async live(year: number | undefined): Promise<RollUp> {
    const t = await this.tracking.stream({ year });
    return { now: t.now, fiscalYear: t.fiscalYear, bindingsError: t.bindingsError, projects: this.figures(t) };
  }

  private figures(t: TrackingStream): ProjectFigures[] {
    const out: ProjectFigures[] = [];
    for (const p of t.projects()) out.push(figuresOf(p, t.now, this.config.timeZone, this.tolerance));
    return out;
  }

  private judgeAllSoon(year: number): void {
    if (this.renewing.has(year)) return;
    const run = this.judgeAll(year)
      .catch(() => undefined) // the next request judges again
      .finally(() => this.renewing.delete(year));
    this.renewing.set(year, run);
  }

  private async judgeAll(year: number): Promise<Kept | undefined> {
    const seq = ++this.judged;
    const epoch = this.feed.epoch;
    const unknownChanges = this.unknownChanges;
    const heard = new Set<string>();
    this.collecting.add(heard);
    try {
      const revsReadAt = this.realClock.now();
      const { stream, revs, unitSet } = await this.tracking.judging({ year });
      if (!unitSet) return undefined;
      const figures = new Map<string, ProjectFigures>();
      for (const f of this.figures(stream)) figures.set(f.view.id, f);
      const k: Kept = {
        seq,
        unitSet,
        epoch,
        day: localDate(stream.now, this.config.timeZone),
        judgedAt: stream.now,
        bindingsError: stream.bindingsError,
        figures,
        revs,
        revsReadAt,
        dirty: new Set(
          this.unknownChanges === unknownChanges ? [...heard].filter((id) => figures.has(id)) : figures.keys(),
        ),
      };
      // Two whole judgements may overlap (one in the background): the one started last stands.
      const kept = this.kept.get(unitSet.fiscalYear);
      if (!kept || kept.seq < seq) this.kept.set(unitSet.fiscalYear, k);
      return k;
    } finally {
      this.collecting.delete(heard);
    }
  }

  /**
   * Marks the projects whose evaluations were written (or removed) since their figures read them,
   * for the next request to judge again. In the background, one at a time: the read goes through
   * every evaluation document on FerretDB (as the live judgement's did on every request), so no
   * request waits for it.
   */
  private compareRevsSoon(k: Kept): void {
    if (this.comparing) return;
    k.revsReadAt = this.realClock.now();
    this.comparing = this.store.evaluations
      .revs()
      .then(
        (revs) => {
          for (const [id, rev] of revs) if (k.figures.has(id) && k.revs.get(id) !== rev) k.dirty.add(id);
          for (const id of k.revs.keys()) if (!revs.has(id)) k.dirty.add(id);
        },
        () => {
          // Not read (MongoDB away): compared again on a later request.
          k.revsReadAt = 0;
        },
      )
      .finally(() => {
        this.comparing = null;
      });
  }

  private async judgeSome(k: Kept): Promise<Kept | undefined> {
    const ids = [...k.dirty];
    k.dirty = new Set();
    const { stream, revs, unitSet } = await this.tracking.judging({ year: k.unitSet.fiscalYear, projectIds: ids });
    if (!unitSet || unitSet.units !== k.unitSet.units || unitSet.catalogue !== k.unitSet.catalogue)
      return this.judgeAll(k.unitSet.fiscalYear);
    for (const f of this.figures(stream)) k.figures.set(f.view.id, f);
    for (const id of ids) {
      const rev = revs.get(id);
      if (rev === undefined) k.revs.delete(id);
      else k.revs.set(id, rev);
    }
    return k;
  }

  private answer(k: Kept, now: number): RollUp {
    const fiscalYear = k.unitSet.fiscalYear;
    // Served as of now: the share of the year elapsed moves through the day, the rest as judged.
    const elapsed = timeElapsed(fiscalYear, now, this.config.timeZone);
    const projects: ProjectFigures[] = [];
    for (const f of k.figures.values()) {
      const v = f.view;
      projects.push({
        ...f,
        view: { ...v, timeElapsed: elapsed, behind: budgetBehind(v.executionRate, elapsed, this.tolerance) },
      });
    }
    return { now, fiscalYear, bindingsError: k.bindingsError, projects };
  }
}
