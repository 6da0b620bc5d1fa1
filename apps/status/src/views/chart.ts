import { daysBetween } from '@iw/clock';
import { html, type Html } from './html';

/**
 * One tracked unit's progress as an inline SVG: the actual (a step line through the daily
 * history), the expected pace (a straight line to the target for cumulative measures), the
 * target as a level line, the forecast (dashed, from today to the period end) and the
 * deadline and today as vertical marks. Pure: data in, markup out.
 */
export interface ChartInput {
  id: string;
  title: string;
  unit: string;
  period: { from: string; to: string };
  deadline: string | null;
  /** Local date of now. */
  today: string;
  history: ReadonlyArray<{ date: string; actual: number | null }>;
  /** A level to reach or keep (numeric target value, a range's bounds); none for milestones and qualitative targets. */
  targets: number[];
  /** sum/count/distinct: the pace rises from 0 to the target over the period. */
  cumulative: boolean;
  milestone: boolean;
  forecast: number | null;
  /** Where the pace says the unit should be now. */
  expected: number | null;
}

const W = 640;
const H = 260;
const M = { left: 56, right: 16, top: 24, bottom: 40 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export function chartSvg(c: ChartInput): Html {
  const days = Math.max(1, daysBetween(c.period.from, c.period.to) + 1);
  const xOf = (date: string) => M.left + (Math.min(days, Math.max(0, daysBetween(c.period.from, date))) / days) * PW;
  const xEnd = M.left + PW;
  const points = c.history.filter((p) => p.actual !== null) as Array<{ date: string; actual: number }>;
  // Scaled to the larger of the target and the data (and forecast), with headroom above.
  const top = c.milestone
    ? 1
    : niceMax(Math.max(0, ...c.targets, ...points.map((p) => p.actual), c.forecast ?? 0, c.expected ?? 0));
  const yOf = (v: number) => M.top + PH - (Math.max(0, v) / top) * PH;
  const inPeriod = c.today >= c.period.from && c.today <= c.period.to;
  const xToday = inPeriod ? xOf(c.today) : c.today > c.period.to ? xEnd : M.left;

  // Actual: a step line; the value holds until the next day with events, and up to today.
  let actualPath = '';
  let lastY: number | null = null;
  for (const p of points) {
    const x = xOf(p.date);
    const y = yOf(p.actual);
    actualPath += lastY === null ? `M${f(x)},${f(y)}` : `H${f(x)}V${f(y)}`;
    lastY = y;
  }
  if (lastY !== null && points.length && xToday > xOf(points[points.length - 1].date)) actualPath += `H${f(xToday)}`;

  const targetLines = c.milestone ? [] : c.targets;
  const pace =
    c.cumulative && targetLines.length
      ? html`<line class="pace" x1="${f(M.left)}" y1="${f(yOf(0))}" x2="${f(xEnd)}" y2="${f(yOf(targetLines[0]))}" stroke="#8a8f98" stroke-width="1.5" stroke-dasharray="2 3"/>`
      : null;
  // The target itself, as a level across the period (a range: both bounds), labelled at the right.
  const levels = targetLines.map(
    (t) =>
      html`<g class="target" data-value="${t}"><line x1="${f(M.left)}" y1="${f(yOf(t))}" x2="${f(xEnd)}" y2="${f(yOf(t))}" stroke="#0f9960" stroke-width="1.5" stroke-dasharray="8 3"/><text x="${f(xEnd - 4)}" y="${f(yOf(t) - 4)}" text-anchor="end" font-size="11" fill="#0a6640">目标 ${label(t)}${c.unit}</text></g>`,
  );
  const last = points[points.length - 1];
  const forecast =
    c.forecast !== null && !c.milestone && last
      ? html`<line class="forecast" x1="${f(xToday)}" y1="${f(yOf(last.actual))}" x2="${f(xEnd)}" y2="${f(yOf(c.forecast))}" stroke="#d9822b" stroke-width="2" stroke-dasharray="6 4"/><circle cx="${f(xEnd)}" cy="${f(yOf(c.forecast))}" r="3.5" fill="#d9822b"/>`
      : null;
  const deadline = c.deadline
    ? html`<g class="deadline"><line x1="${f(xOf(c.deadline) + (c.deadline >= c.period.to ? PW / days : 0))}" y1="${M.top}" x2="${f(xOf(c.deadline) + (c.deadline >= c.period.to ? PW / days : 0))}" y2="${M.top + PH}" stroke="#c23030" stroke-width="2"/><text x="${f(Math.min(xOf(c.deadline), xEnd) - 4)}" y="${M.top - 8}" text-anchor="end" fill="#c23030" font-size="12">截止 ${c.deadline}</text></g>`
    : null;
  const today = inPeriod
    ? html`<g class="today"><line x1="${f(xToday)}" y1="${M.top}" x2="${f(xToday)}" y2="${M.top + PH}" stroke="#5c7080" stroke-width="1"/><text x="${f(xToday + 4)}" y="${M.top + 12}" fill="#5c7080" font-size="11">今天</text></g>`
    : null;
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((s) => s * top);
  const months = monthTicks(c.period.from, c.period.to);

  return html`<svg class="chart" data-unit="${c.id}" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${c.title}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">
<title>${c.title}</title>
<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" fill="#fafbfc" stroke="#d8e1e8"/>
${yTicks.map((v) => html`<g><line x1="${M.left - 4}" y1="${f(yOf(v))}" x2="${M.left + PW}" y2="${f(yOf(v))}" stroke="#eef1f4"/><text x="${M.left - 6}" y="${f(yOf(v) + 4)}" text-anchor="end" font-size="11" fill="#5c7080">${c.milestone ? (v === 1 ? '完成' : v === 0 ? '未完成' : '') : label(v)}</text></g>`)}
${months.map((m) => html`<text x="${f(xOf(m))}" y="${M.top + PH + 16}" text-anchor="middle" font-size="11" fill="#5c7080">${Number(m.slice(5, 7))}月</text>`)}
${pace}${levels}${today}${deadline}
<path class="actual" d="${actualPath}" fill="none" stroke="#137cbd" stroke-width="2.5"/>
${points.map((p) => html`<circle class="point" cx="${f(xOf(p.date))}" cy="${f(yOf(p.actual))}" r="2.5" fill="#137cbd"><title>${p.date}：${label(p.actual)}${c.unit}</title></circle>`)}
${forecast}
<g font-size="11" transform="translate(${M.left},${H - 8})"><rect width="12" height="3" y="-4" fill="#137cbd"/><text x="16">实际</text>${c.cumulative ? html`<rect x="60" width="12" height="2" y="-4" fill="#8a8f98"/><text x="76">按进度应完成</text>` : null}<rect x="170" width="12" height="2" y="-4" fill="#d9822b"/><text x="186">全年预计</text><rect x="250" width="2" height="10" y="-9" fill="#c23030"/><text x="256">截止日期</text>${targetLines.length ? html`<rect x="316" width="12" height="2" y="-4" fill="#0f9960"/><text x="332">目标</text>` : null}${c.unit ? html`<text x="${PW}" text-anchor="end">单位：${c.unit}</text>` : null}</g>
</svg>`;
}

function f(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

function label(v: number): string {
  if (Math.abs(v) >= 10_000) return `${Math.round(v / 1000) / 10}万`;
  return String(Math.round(v * 100) / 100);
}

/** A round upper bound for the axis (1, 2, 2.5, 5 × 10^k) a little above `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const target = v * 1.08;
  const exp = 10 ** Math.floor(Math.log10(target));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= target) return m * exp;
  return 10 * exp;
}

/** First day of each month inside the period (at most 12 labels). */
function monthTicks(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  for (let i = 0; i < 24; i++) {
    const d = `${y}-${String(m).padStart(2, '0')}-01`;
    if (d > to) break;
    if (d >= from) out.push(d);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  const step = Math.ceil(out.length / 12);
  return out.filter((_, i) => i % step === 0);
}
