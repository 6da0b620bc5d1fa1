import { isoWithOffset, localDate, startOfLocalDay } from '@iw/clock';
import { LIKELIHOODS, type MeasurementEvent } from '@iw/events';
import type { Likelihood, MeasureKind } from '@iw/measures';

/**
 * 填报: what a person may report for a tracked unit, and the `actuals.measurements` event a
 * report becomes (a fresh event id, the person as its source), so ingest stays the one writer
 * of progress. Units an upstream system feeds (a binding) take no reports: a person's number
 * would be counted on top of the system's.
 */

export type ReportForm = 'cumulative' | 'increment' | 'set' | 'survey' | 'milestone' | 'assessment';

/** The forms as the page labels them. */
export const REPORT_FORM_LABELS: Readonly<Record<ReportForm, string>> = {
  cumulative: '累计完成值',
  increment: '本次新增',
  set: '当前值',
  survey: '调查结果（满意人数 / 调查总数）',
  milestone: '已完成',
  assessment: '完成目标可能性评估',
};

export interface ReportUnit {
  /** Tracked unit id: an indicator, or a compound part (`…~label`). */
  id: string;
  /** Indicator name (and part label) for messages. */
  name: string;
  measure: MeasureKind;
  /** Fed by a binding (an upstream system). */
  bound: boolean;
  /** The target's unit (`批次`, `%`, '' when none). */
  unit: string;
  /** Values are in the target's unit when this is 1. */
  scale: number;
  period: { from: string; to: string };
  /** Current 实际完成值, null before any event. */
  actual: number | null;
  /** A satisfaction survey (满意度): a percentage may be reported as satisfied / total. */
  survey: boolean;
}

export function reportForms(u: ReportUnit): ReportForm[] {
  if (u.bound) return [];
  switch (u.measure) {
    case 'sum':
      return u.scale === 1 ? ['cumulative', 'increment'] : ['increment'];
    case 'latest':
    case 'max':
    case 'min':
      return u.survey && u.unit.includes('%') ? ['set', 'survey'] : ['set'];
    case 'milestone':
      return ['milestone'];
    case 'assessment':
      return ['assessment'];
    default:
      return [];
  }
}

/** A report as a form or the API sends it: strings from a form, numbers from JSON. */
export interface ReportInput {
  form: string;
  value?: string | number;
  satisfied?: string | number;
  total?: string | number;
  /** milestone: the local date it was done (YYYY-MM-DD). */
  date?: string;
  likelihood?: string;
  /** assessment: the explanation (required). */
  text?: string;
  /** Any report: a remark kept with the event. */
  note?: string;
}

export interface ReportContext {
  eventId: string;
  /** The person (their address) or the token's id. */
  source: string;
  /** Domain time (epoch ms). */
  now: number;
  timeZone: string;
}

export type ReportResult = { ok: true; event: MeasurementEvent; summary: string } | { ok: false; error: string };

const MAX_TEXT = 2000;

function number(v: string | number | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  // Full-width digits and thousands separators, as people type them.
  const t = v
    .trim()
    .replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[,，]/g, '');
  if (!/^[-+]?\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

const fail = (error: string): ReportResult => ({ ok: false, error });
const fmt = (n: number, unit: string) => `${Math.round(n * 10_000) / 10_000}${unit}`;

/** Checks a report against the unit and builds its measurement event; errors are in Chinese. */
export function buildReport(u: ReportUnit, input: ReportInput, ctx: ReportContext): ReportResult {
  const forms = reportForms(u);
  if (!(forms as string[]).includes(input.form)) {
    if (forms.length === 0)
      return fail(u.bound ? `「${u.name}」由上游系统自动采集，无需填报。` : `「${u.name}」不接受填报。`);
    return fail(`「${u.name}」只能按以下方式填报：${forms.map((f) => REPORT_FORM_LABELS[f]).join('、')}。`);
  }
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  if (note.length > MAX_TEXT) return fail(`备注不能超过 ${MAX_TEXT} 字。`);
  const today = localDate(ctx.now, ctx.timeZone);
  if (input.form !== 'milestone' && (today < u.period.from || today > u.period.to))
    return fail(`今天（${today}）不在「${u.name}」的监控期（${u.period.from} 至 ${u.period.to}）内。`);
  const base = {
    eventId: ctx.eventId,
    occurredAt: isoWithOffset(ctx.now, ctx.timeZone),
    source: ctx.source,
    schemaVersion: 1 as const,
    indicatorId: u.id,
    ...(note ? { note } : {}),
  };
  const form = input.form as ReportForm;
  switch (form) {
    case 'cumulative':
    case 'increment': {
      const v = number(input.value);
      if (v === null) return fail('请填写一个数字。');
      const current = u.actual ?? 0;
      const add = form === 'increment' ? v : v - current;
      if (form === 'increment' && v <= 0) return fail('本次新增必须大于 0。');
      if (form === 'cumulative' && add < 0)
        return fail(
          `累计完成值 ${fmt(v, u.unit)} 小于当前实际完成值 ${fmt(current, u.unit)}：累计值只能增加（如需更正，请联系绩效管理人员）。`,
        );
      if (form === 'cumulative' && add === 0)
        return fail(`累计完成值与当前实际完成值（${fmt(current, u.unit)}）相同，无需填报。`);
      if (add > 1e15) return fail('数值过大。');
      return {
        ok: true,
        event: { ...base, kind: 'increment', value: add },
        summary:
          form === 'cumulative'
            ? `累计完成值 ${fmt(current, u.unit)} → ${fmt(v, u.unit)}（新增 ${fmt(add, u.unit)}）`
            : `新增 ${fmt(add, u.unit)}`,
      };
    }
    case 'set': {
      const v = number(input.value);
      if (v === null) return fail('请填写一个数字。');
      if (Math.abs(v) > 1e15) return fail('数值过大。');
      return { ok: true, event: { ...base, kind: 'set', value: v }, summary: `当前值 ${fmt(v, u.unit)}` };
    }
    case 'survey': {
      const satisfied = number(input.satisfied);
      const total = number(input.total);
      if (satisfied === null || total === null || !Number.isInteger(satisfied) || !Number.isInteger(total))
        return fail('满意人数和调查总数须为整数。');
      if (total <= 0) return fail('调查总数必须大于 0。');
      if (satisfied < 0 || satisfied > total) return fail('满意人数须在 0 到调查总数之间。');
      if (total > 1e9) return fail('数值过大。');
      const value = Math.round((satisfied / total) * 100 * 100) / 100;
      return {
        ok: true,
        event: { ...base, kind: 'set', value, numerator: satisfied, denominator: total },
        summary: `满意 ${satisfied} / ${total}（${value}%）`,
      };
    }
    case 'milestone': {
      const date = typeof input.date === 'string' ? input.date.trim() : '';
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
        return fail('请填写完成日期（年-月-日）。');
      if (date > today) return fail(`完成日期 ${date} 晚于今天（${today}）。`);
      if (date < u.period.from || date > u.period.to)
        return fail(`完成日期 ${date} 不在监控期（${u.period.from} 至 ${u.period.to}）内。`);
      // Noon of that day, or now when it is today: events count by when they happened.
      const at = date === today ? ctx.now : startOfLocalDay(date, ctx.timeZone) + 12 * 3_600_000;
      return {
        ok: true,
        event: { ...base, occurredAt: isoWithOffset(at, ctx.timeZone), kind: 'milestone', done: true },
        summary: `已完成（${date}）`,
      };
    }
    case 'assessment': {
      const likelihood = typeof input.likelihood === 'string' ? input.likelihood.trim() : '';
      if (!(LIKELIHOODS as readonly string[]).includes(likelihood))
        return fail(`请选择完成目标可能性：${LIKELIHOODS.join(' / ')}。`);
      const text = typeof input.text === 'string' ? input.text.trim() : '';
      if (!text) return fail('请填写评估说明。');
      if (text.length > MAX_TEXT) return fail(`评估说明不能超过 ${MAX_TEXT} 字。`);
      return {
        ok: true,
        event: { ...base, kind: 'assessment', likelihood: likelihood as Likelihood, text },
        summary: `完成目标可能性：${likelihood}（${text}）`,
      };
    }
  }
}
