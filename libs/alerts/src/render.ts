import type { Status } from '@iw/risk';
import { localDateTime } from '@iw/clock';
import { FIRING_KINDS } from './types';
import type { Digest, EvaluationSnapshot, Notice, NoticeKind, RenderedEmail } from './types';

/**
 * Render stage: a digest → a Chinese email (subject, plain text, HTML). Names come from
 * uploaded tables, so every value is escaped in HTML and stripped of line breaks and other
 * control characters wherever it lands on one line (the subject above all: no header injection).
 */

export interface RenderOptions {
  /** IW_PUBLIC_URL, base of the dashboard links. */
  publicUrl: string;
  /** IW_TIMEZONE, for the times shown. */
  timeZone: string;
  /**
   * The recipient's personal (signed, expiring) link to a page of the dashboard, e.g.
   * `/indicators/<id>`; called per recipient and page while rendering. Absent, or null for a
   * recipient: the bare dashboard URL, and no 确认 link.
   */
  personalLink?: (recipient: string, path: string) => string | null;
}

/** The head of each kind of notice (and of a mail of one kind). */
export const PREFIX: Record<NoticeKind, string> = {
  opened: '【绩效预警】',
  escalated: '【绩效预警】',
  repeat: '【绩效预警】',
  unacknowledged: '【预警未确认】',
  no_data: '【缺报提醒】',
  resolved: '【绩效恢复】',
  achieved: '【目标达成】',
  missed: '【目标未完成】',
};

const STATUS_TEXT: Record<Status, string> = {
  on_track: '进度正常',
  at_risk: '有可能无法完成',
  off_track: '不可能完成',
  achieved: '目标已达成',
  missed: '目标未完成',
  no_data: '暂无数据',
  manual: '待人工评估',
};

const MAX_NAME = 60;

/** One line of header-safe text: control characters (CR, LF, TAB, NUL, U+2028 …) become spaces. */
export function singleLine(text: string, max = Infinity): string {
  const flat = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function dashboardLink(publicUrl: string, indicatorId: string): string | null {
  // Only http(s): a misconfigured base must not become a javascript: link.
  if (!/^https?:\/\/[^\s]+$/i.test(publicUrl)) return null;
  return `${publicUrl.replace(/\/+$/, '')}/indicators/${encodeURIComponent(indicatorId)}`;
}

// One number formatter per process (Intl formatters are costly to build).
const NUMBER = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

function formatNumber(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return `${NUMBER.format(value)}${singleLine(unit)}`;
}

function formatDeadline(e: EvaluationSnapshot): string {
  if (!e.deadline) return '—';
  if (e.daysLeft === null) return e.deadline;
  if (e.daysLeft > 0) return `${e.deadline}（剩余 ${e.daysLeft} 天）`;
  if (e.daysLeft === 0) return `${e.deadline}（今天到期）`;
  return `${e.deadline}（已逾期 ${-e.daysLeft} 天）`;
}

/** What the notice says, in a few words (`有可能无法完成`, `风险升级，不可能完成` …). */
export function noticePhrase(notice: Pick<Notice, 'kind' | 'severity' | 'repeat'>): string {
  const firing = notice.severity === 'off_track' ? STATUS_TEXT.off_track : STATUS_TEXT.at_risk;
  switch (notice.kind) {
    case 'opened':
      return firing;
    case 'escalated':
      return `风险升级，${STATUS_TEXT.off_track}`;
    case 'repeat':
      return `${firing}（第 ${notice.repeat ?? 1} 次提醒）`;
    case 'unacknowledged':
      return `${firing}，告警未获确认，请督办`;
    case 'no_data':
      return '仍无数据，请及时报送';
    case 'resolved':
      return '已恢复正常';
    case 'achieved':
      return STATUS_TEXT.achieved;
    case 'missed':
      return STATUS_TEXT.missed;
  }
}

function indicatorLabel(notice: Notice): string {
  const name = singleLine(notice.unit.indicatorName, MAX_NAME);
  return notice.unit.partLabel ? `${name}（${singleLine(notice.unit.partLabel, MAX_NAME)}）` : name;
}

/** The latest notice per alert, in digest order: what the subject speaks about. */
function latestPerAlert(notices: readonly Notice[]): Notice[] {
  const latest = new Map<string, Notice>();
  for (const n of notices) {
    const seen = latest.get(n.alertId);
    if (!seen || n.version >= seen.version) latest.set(n.alertId, n);
  }
  return [...latest.values()];
}

export function renderSubject(notices: readonly Notice[]): string {
  const latest = latestPerAlert(notices);
  if (latest.length === 0) throw new Error('renderSubject: empty digest');
  if (latest.length === 1) {
    const n = latest[0];
    return singleLine(
      `${PREFIX[n.kind]}${singleLine(n.unit.projectName, MAX_NAME)} · ${indicatorLabel(n)}：${noticePhrase(n)}`,
    );
  }
  const count = latest.length;
  if (latest.every((n) => n.kind === 'repeat')) return `【每周提醒】${count} 项指标仍需关注`;
  if (latest.some((n) => FIRING_KINDS.includes(n.kind))) return `【绩效预警】${count} 项指标需要关注`;
  const kinds = new Set(latest.map((n) => n.kind));
  if (kinds.size === 1) {
    const kind = latest[0].kind;
    return `${PREFIX[kind]}${count} 项指标${kind === 'resolved' ? '已恢复正常' : noticePhrase(latest[0])}`;
  }
  return `【绩效通知】${count} 项指标状态更新`;
}

interface Row {
  label: string;
  value: string;
}

function rows(notice: Notice, timeZone: string): Row[] {
  const e = notice.evaluation;
  const unit = notice.unit.unit;
  return [
    { label: '项目', value: singleLine(notice.unit.projectName) },
    { label: '指标', value: indicatorLabel(notice) },
    { label: '当前状态', value: STATUS_TEXT[e.status] },
    { label: '指标值', value: singleLine(notice.unit.targetText) || '—' },
    { label: '实际完成值', value: formatNumber(e.actual, unit) },
    { label: '按进度应完成', value: formatNumber(e.expected, unit) },
    ...(notice.unit.pace ? [{ label: '进度基准', value: singleLine(notice.unit.pace) }] : []),
    { label: '全年预计完成', value: formatNumber(e.forecast, unit) },
    { label: '完成时限', value: formatDeadline(e) },
    { label: '完成目标可能性', value: e.likelihood ?? '—' },
    { label: '原因', value: singleLine(e.reason) || '—' },
    { label: '时间', value: localDateTime(notice.at, timeZone) },
    { label: '告警编号', value: singleLine(notice.alertId) },
  ];
}

const FOOTER =
  '此邮件由 Indicator Watch 自动发送。确认告警（停止重复提醒）：npx iw alerts ack <告警编号>；静默至某日：npx iw alerts silence <告警编号> --until <日期>';
const PERSONAL_FOOTER =
  '此邮件由 Indicator Watch 自动发送。邮件中的链接是您本人的登录链接（有效期有限），请勿转发。确认告警（停止重复提醒）或静默至某日：打开“确认告警”链接，在页面上点击按钮。';

/** The links of one notice for its recipient: 详情 (the indicator page) and, while it fires, 确认告警 (a page with a button). */
function noticeLinks(
  notice: Notice,
  recipient: string,
  options: RenderOptions,
): { detail: string | null; ack: string | null; personal: boolean } {
  const personal = (path: string) => options.personalLink?.(recipient, path) ?? null;
  const detail = personal(`/indicators/${encodeURIComponent(notice.unit.indicatorId)}`);
  if (detail === null)
    return { detail: dashboardLink(options.publicUrl, notice.unit.indicatorId), ack: null, personal: false };
  const ack = FIRING_KINDS.includes(notice.kind) ? personal(`/alerts/${encodeURIComponent(notice.alertId)}`) : null;
  return { detail, ack, personal: true };
}

export function renderDigest(digest: Digest, options: RenderOptions): RenderedEmail {
  const notices = digest.notifications.map((n) => n.notice);
  const subject = renderSubject(notices);
  const intro =
    notices.length === 1 ? '以下绩效指标的状态需要您知悉：' : `以下 ${notices.length} 条绩效指标提醒需要您知悉：`;

  const links = notices.map((notice) => noticeLinks(notice, digest.recipient, options));
  const footer = links.some((l) => l.personal) ? PERSONAL_FOOTER : FOOTER;
  const textBlocks = notices.map((notice, i) => {
    const { detail, ack } = links[i];
    const head = `${notices.length > 1 ? `${i + 1}. ` : ''}${PREFIX[notice.kind]}${noticePhrase(notice)}`;
    const lines = rows(notice, options.timeZone).map((r) => `${r.label}：${r.value}`);
    if (detail) lines.push(`详情：${detail}`);
    if (ack) lines.push(`确认告警：${ack}`);
    return [head, ...lines].join('\n');
  });
  const text = ['您好：', '', intro, '', textBlocks.join('\n\n'), '', '——', footer, ''].join('\n');

  const htmlBlocks = notices.map((notice, i) => {
    const { detail, ack } = links[i];
    const head = `${notices.length > 1 ? `${i + 1}. ` : ''}${PREFIX[notice.kind]}${noticePhrase(notice)}`;
    const trs = rows(notice, options.timeZone)
      .map(
        (r) =>
          `<tr><th style="text-align:left;padding:4px 12px 4px 0;color:#555;font-weight:normal;white-space:nowrap">${escapeHtml(r.label)}</th>` +
          `<td style="padding:4px 0">${escapeHtml(r.value)}</td></tr>`,
      )
      .join('');
    const anchors = [
      detail ? `<a href="${escapeHtml(detail)}">查看详情</a>` : '',
      ack ? `<a href="${escapeHtml(ack)}">确认告警</a>` : '',
    ].filter(Boolean);
    const more = anchors.length ? `<p>${anchors.join(' · ')}</p>` : '';
    return `<h3 style="margin:20px 0 8px">${escapeHtml(head)}</h3><table style="border-collapse:collapse">${trs}</table>${more}`;
  });
  const html =
    `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
    `<body style="font-family:'PingFang SC','Microsoft YaHei',sans-serif;font-size:14px;color:#222">` +
    `<p>您好：</p><p>${escapeHtml(intro)}</p>${htmlBlocks.join('')}` +
    `<hr><p style="color:#888;font-size:12px">${escapeHtml(footer)}</p></body></html>`;

  return { subject, text, html };
}
