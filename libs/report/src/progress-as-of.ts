import { endOfLocalDay } from '@iw/clock';
import type { Progress } from '@iw/measures';

/**
 * A tracked unit's progress as it stood at the end of local date `asOf`, rebuilt from its daily
 * history (each point holds the measure's value at the end of its day). Used for the
 * 绩效监控表 "as of a date" and for the pace chart. Exact for the figures the risk engine reads
 * (actual, numerator/denominator, value, done/doneAt, first/last event), except `eventCount`:
 * the history does not keep it per day, so it is the number of days with events (a lower bound).
 */
export function progressAsOf(progress: Progress | null, asOf: string, timeZone: string): Progress | null {
  if (!progress) return null;
  const end = endOfLocalDay(asOf, timeZone);
  const lastAt = progress.lastEventAt ? Date.parse(progress.lastEventAt) : null;
  if (lastAt === null || lastAt < end) return withAssessmentAsOf(progress, end);

  const history = progress.history.filter((p) => p.date <= asOf);
  const last = history[history.length - 1];
  const firstAt = progress.firstEventAt ? Date.parse(progress.firstEventAt) : null;
  const out: Progress = {
    ...progress,
    history,
    actual: progress.measure === 'assessment' || !last ? null : last.actual,
    eventCount: history.length,
    firstEventAt: firstAt !== null && firstAt < end ? progress.firstEventAt : null,
    lastEventAt: last ? (last.latestAt ?? endOfDayIso(last.date, timeZone)) : null,
  };
  setOrDelete(out, 'numerator', last?.numerator);
  setOrDelete(out, 'denominator', last?.denominator);
  setOrDelete(out, 'value', last?.value);
  if (progress.measure === 'latest' || progress.measure === 'milestone') {
    out.latestAt = last?.latestAt ?? null;
    out.latestEventId = last?.latestEventId ?? null;
  }
  if (progress.measure === 'milestone') {
    out.done = last?.value === 1;
    out.doneAt = out.done ? firstDoneAt(history) : null;
  }
  if (progress.distinctSeen) {
    out.distinctSeen = progress.distinctSeen.filter((s) => s.date <= asOf);
    out.distinctValues = out.distinctSeen.map((s) => s.value);
  }
  if (history.length === 0 && !out.firstEventAt) out.lastEventAt = null;
  return withAssessmentAsOf(out, end);
}

/** The earliest reading of the trailing run of done days (a done → undone → done keeps the last run). */
function firstDoneAt(history: Progress['history']): string | null {
  let i = history.length - 1;
  while (i > 0 && history[i - 1].value === 1) i--;
  return history[i]?.latestAt ?? null;
}

/**
 * The assessment made by then: the newest of `assessments` before `end`; a document from before
 * assessments were kept has only the latest, which counts if it was made by then.
 */
function withAssessmentAsOf(p: Progress, end: number): Progress {
  if (!p.assessment || Date.parse(p.assessment.at) < end) return p;
  const made = (p.assessments ?? []).filter((a) => Date.parse(a.at) < end);
  return { ...p, assessment: made[made.length - 1] ?? null, assessments: made };
}

function endOfDayIso(date: string, timeZone: string): string {
  return new Date(endOfLocalDay(date, timeZone) - 1).toISOString();
}

function setOrDelete(p: Progress, k: 'numerator' | 'denominator' | 'value', v: number | undefined): void {
  if (v === undefined) delete p[k];
  else p[k] = v;
}
