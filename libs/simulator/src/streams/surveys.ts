import { fiscalDate, workdayOnOrAfter } from '../calendar';
import { AHEAD, indexOf, yearPlan, type Draft, type StreamContext } from '../context';
import { deliveries } from '../plan';
import { hashSeed, Rng } from '../prng';
import { goalOf, isExact, type UnitView } from '../view';

/** A survey whose target is this high (or 100 %) is answered satisfied by everyone. */
const ALL_SATISFIED_FROM = 0.97;

/**
 * Survey platforms: one stream per survey a binding names (surveyKey, and projectName where
 * two projects share a survey name). Each reports a monthly aggregate wave; satisfaction sits
 * a few points above the strictest target the survey is held to. A survey whose respondents
 * are themselves counted (在全区14个地州市开展满意度问卷调查 7410份) sizes its waves by that plan.
 */
export function surveyDrafts(ctx: StreamContext): Draft[] {
  const bound = ctx.views.filter((v) => v.binding?.from === 'surveys');
  const bySource = new Map<string, UnitView[]>();
  for (const v of bound) {
    const key = sourceKey(v);
    bySource.set(key, [...(bySource.get(key) ?? []), v]);
  }
  return [...bySource].flatMap(([key, views]) => sourceDrafts(ctx, key, views));
}

function where(v: UnitView, field: string): string | undefined {
  return v.binding?.where.find((w) => w.field === field)?.values.map(String)[0];
}

function sourceKey(v: UnitView): string {
  return `survey:${where(v, 'surveyKey') ?? ''}|${where(v, 'projectName') ?? ''}`;
}

function sourceDrafts(ctx: StreamContext, key: string, views: UnitView[]): Draft[] {
  if (ctx.effects.find(key, 'silent')) return [];
  const surveyKey = where(views[0], 'surveyKey')!;
  const projectName = where(views[0], 'projectName');
  const ratios = views.filter((v) => v.binding!.measure === 'ratio');
  const share = Math.max(0, ...ratios.map((v) => targetShare(v)));
  const counted = views.filter((v) => v.binding!.measure === 'sum' && v.binding!.field === 'respondents');
  const below = ctx.effects.find(key, 'survey');

  const waveDay = 5 + (hashSeed(key) % 18);
  const waves: Array<{ day: number; respondents?: number }> = below
    ? below.effect.waves.map((w) => ({
        day: indexOf(ctx, workdayOnOrAfter(fiscalDate(ctx.fiscalYear, w.on))),
        respondents: w.respondents,
      }))
    : Array.from({ length: 12 }, (_, m) => ({
        day: indexOf(
          ctx,
          workdayOnOrAfter(`${ctx.fiscalYear}-${String(m + 1).padStart(2, '0')}-${String(waveDay).padStart(2, '0')}`),
        ),
      }));

  if (counted.length && !below) {
    const goal = Math.max(...counted.map((v) => goalOf(v.unit.target) ?? 0));
    const planned = deliveries(
      yearPlan(ctx, goal * AHEAD),
      waves.map((w) => w.day),
      {
        mode: 'advance',
        rounding: 'up',
        limit: counted.every((v) => isExact(v.unit.target)) ? goal : Infinity,
        jitter: 0.02,
        rngFor: (day) => Rng.for(ctx.seed, key, 'amount', day),
      },
    );
    const byDay = new Map(planned.map((d) => [d.day, d.amount]));
    for (const w of waves) w.respondents = byDay.get(w.day) ?? 0;
  }

  return waves
    .map((w) => {
      const rng = Rng.for(ctx.seed, key, w.day);
      const respondents = w.respondents ?? rng.int(40, 120);
      let satisfied: number;
      if (below) satisfied = Math.round(respondents * (share - below.effect.below));
      else if (share >= ALL_SATISFIED_FROM) satisfied = respondents;
      else satisfied = Math.min(respondents, Math.ceil(respondents * (share + rng.uniform(0.03, 0.06))));
      return { w, rng, respondents, satisfied };
    })
    .filter((x) => x.respondents > 0)
    .map(
      ({ w, rng, respondents, satisfied }) =>
        ({
          role: 'surveys',
          date: ctx.dates[w.day],
          minute: rng.int(16 * 60, 20 * 60),
          source: 'survey-platform',
          body: { surveyKey, respondents, satisfied, ...(projectName ? { projectName } : {}) },
          ...(below ? { scenario: below.scenario } : {}),
        }) satisfies Draft,
    );
}

/** The share of satisfied answers a ratio target asks for (a strict `>` a little more). */
function targetShare(v: UnitView): number {
  const t = v.unit.target;
  if (t.kind !== 'numeric') return 0;
  const share = t.unit.includes('%') || t.value > 1 ? t.value / 100 : t.value;
  return t.op === '>' ? share + 0.005 : share;
}
