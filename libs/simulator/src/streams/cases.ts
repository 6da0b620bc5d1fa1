import { workdayOnOrAfter } from '../calendar';
import { workdayAfter, type Draft, type StreamContext } from '../context';
import { Rng } from '../prng';
import { PREFECTURES } from './inspections';

/** Case categories of the bureau, with their share of cases. 食品 feeds 案件查办数量. */
const CATEGORIES = ['食品', '价格', '广告', '商标', '产品质量', '计量'] as const;
const CATEGORY_WEIGHTS = [25, 15, 15, 15, 20, 10];
/** Cases opened per working day: 0, 1 or 2. */
const OPENED_WEIGHTS = [35, 45, 20];
/**
 * Working days from opening to closing: most cases close within two days, a few take weeks,
 * so 办结率 (closed / opened) stays above 90 % all year.
 */
const LAGS: ReadonlyArray<readonly [lo: number, hi: number, weight: number]> = [
  [0, 0, 55],
  [1, 1, 25],
  [2, 2, 12],
  [7, 20, 8],
];
/** Problems found by sampling, opened as cases of the sampling project: two a month, closed within days. */
const PROBLEM_DAYS_OF_MONTH = ['08', '22'];

/**
 * Case management: cases opened and closed (handled) across the bureau, plus the problems
 * found by sampling, which carry the project a binding selects them by.
 */
export function caseDrafts(ctx: StreamContext): Draft[] {
  const bound = ctx.views.filter((v) => v.binding?.from === 'cases');
  if (bound.length === 0) return [];
  const drafts: Draft[] = [];
  let seq = 0;
  const caseId = () => `${ctx.fiscalYear}-${String(++seq).padStart(6, '0')}`;

  const openAndClose = (date: string, minute: number, rng: Rng, lag: number, body: Record<string, unknown>) => {
    const id = caseId();
    drafts.push({
      role: 'cases',
      date,
      minute,
      source: 'case-management',
      body: { caseId: id, action: 'opened', ...body },
    });
    const closeDate = lag === 0 ? date : workdayAfter(ctx, date, lag);
    if (!closeDate) return; // still open at year end
    const closeMinute = lag === 0 ? Math.min(minute + rng.int(30, 240), 18 * 60 + 30) : rng.int(9 * 60, 18 * 60);
    drafts.push({
      role: 'cases',
      date: closeDate,
      minute: closeMinute,
      source: 'case-management',
      body: { caseId: id, action: 'closed', ...body },
    });
  };

  for (const date of ctx.dates) {
    const rng = Rng.for(ctx.seed, 'cases', date);
    if (!isWorkdayCase(date)) continue;
    const opened = rng.weighted(OPENED_WEIGHTS);
    for (let i = 0; i < opened; i++) {
      const [lo, hi] = LAGS[rng.weighted(LAGS.map((l) => l[2]))];
      openAndClose(date, rng.int(9 * 60, 16 * 60), rng, rng.int(lo, hi), {
        category: CATEGORIES[rng.weighted(CATEGORY_WEIGHTS)],
        region: rng.pick(PREFECTURES),
      });
    }
  }

  const projects = [
    ...new Set(
      bound.flatMap((v) =>
        v.binding!.where.filter((w) => w.field === 'projectName').flatMap((w) => w.values.map(String)),
      ),
    ),
  ];
  for (const projectName of projects) {
    for (let month = 1; month <= 12; month++) {
      for (const dd of PROBLEM_DAYS_OF_MONTH) {
        const date = workdayOnOrAfter(`${ctx.fiscalYear}-${String(month).padStart(2, '0')}-${dd}`);
        const rng = Rng.for(ctx.seed, 'cases', projectName, date);
        openAndClose(date, rng.int(10 * 60, 15 * 60), rng, rng.int(0, 3), {
          projectName,
          region: rng.pick(PREFECTURES),
        });
      }
    }
  }
  return drafts;
}

function isWorkdayCase(date: string): boolean {
  return workdayOnOrAfter(date) === date;
}
