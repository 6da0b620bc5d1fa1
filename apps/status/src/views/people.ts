import { localDateTime } from '@iw/clock';
import {
  describePrincipal,
  homePage,
  homePageName,
  isRole,
  mayEver,
  REPORT_FORM_LABELS,
  ROLE_LABELS,
  type Principal,
  type ReportForm,
  type ReportUnit,
} from '@iw/people';
import { DEVIATION_CATEGORIES } from '@iw/report';
import type { Status } from '@iw/risk';
import type { AlertView } from '../dtos/alert.dto';
import type { AuditEntryView } from '../dtos/audit.dto';
import type { IndicatorDetail } from '../dtos/indicator.dto';
import { html, pathSegment, raw, type Html } from './html';
import { num, page, statusBadge } from './layout';

/**
 * The pages and page sections people act through: sign-in, refusals (401/403 and bad links),
 * the 告警 page, an alert's 确认 page, and on the indicator page the alerts with their buttons,
 * 填报, 偏差原因/整改措施 and 操作记录. Plain HTML forms (no script needed); every form that
 * changes something is a POST carrying the session's CSRF token.
 */

const CSS = `
header.top .nav-right{margin-left:auto;display:flex;gap:12px;align-items:center}
header.top form{display:inline;margin:0}header.top button{background:none;border:1px solid #8fb1d3;color:#fff;border-radius:3px;padding:1px 8px;cursor:pointer}
.people-actions{background:#fff;border:1px solid #d8e1e8;border-radius:6px;padding:12px 16px;margin:12px 0}
.people-actions h2{margin-top:4px}
form.inline{display:inline-flex;gap:6px;align-items:center;margin:2px 8px 2px 0;flex-wrap:wrap}
form.block{margin:8px 0;padding:8px 0;border-top:1px dashed #d8e1e8}
form.block label{display:inline-block;margin:2px 10px 2px 0}
input[type=text],input[type=number],input[type=date],input[type=email],select,textarea{font:inherit;padding:3px 6px;border:1px solid #a7b6c2;border-radius:3px}
textarea{width:100%;max-width:640px;min-height:3em}
button.primary{background:#137cbd;color:#fff;border:0;border-radius:3px;padding:4px 12px;cursor:pointer;font:inherit}
button.secondary{background:#fff;color:#137cbd;border:1px solid #137cbd;border-radius:3px;padding:3px 10px;cursor:pointer;font:inherit}
.flash{background:#e8f5ec;border:1px solid #0f9960;color:#0a6640;padding:8px 12px;border-radius:4px;margin:8px 0}
.refusal{background:#fff;border:1px solid #c23030;border-radius:6px;padding:16px 20px;max-width:720px}
.refusal h1{color:#c23030}
.filters{display:flex;gap:12px;align-items:end;flex-wrap:wrap;margin:8px 0}
.filters label{display:flex;flex-direction:column;font-size:12px;color:#5c7080}
table.audit td{font-size:13px}
.signin{background:#fff;border:1px solid #d8e1e8;border-radius:6px;padding:20px 24px;max-width:560px}
`;

const style = () => html`<style>${raw(CSS)}</style>`;
const indicatorHref = (id: string) => `/indicators/${pathSegment(id)}`;
const alertHref = (id: string) => `/alerts/${pathSegment(id)}`;
const csrfField = (csrf: string | null) => (csrf ? html`<input type="hidden" name="_csrf" value="${csrf}">` : null);

/**
 * The header's links: the home page named for what it opens (本单位总览 or 预算单位总览), 告警,
 * 数据管道 (ops), 邮件 (admins), API, who is signed in and 退出.
 */
export function navBar(p: Principal | null | undefined, csrf: string | null | undefined, canMail: boolean): string {
  if (!p) return html`${style()}<span class="nav-right"><a href="/signin">登录</a></span>`.value;
  const who =
    p.kind === 'person'
      ? html`<span data-signed-in="${p.person.email}">${describePrincipal(p)}</span>${
          csrf
            ? html`<form method="post" action="/signout">${csrfField(csrf)}<button type="submit">退出</button></form>`
            : null
        }`
      : html`<span>${describePrincipal(p)}</span>`;
  const home = homePage(p);
  return html`${style()}<a href="/" data-nav="home" title="${home.kind === 'agency' ? home.agency : ''}">${homePageName(p)}</a><a href="/alerts">告警</a>${mayEver(p, 'ops').ok ? html`<a href="/ops">数据管道</a>` : null}${canMail ? html`<a href="/mail">邮件</a>` : null}<a href="/api/docs">API</a><span class="nav-right">${who}</span>`
    .value;
}

// ---------------------------------------------------------------- sign-in

export function signInPage(o: {
  next: string;
  formToken: string;
  csrf: string | null;
  signedInAs: string | null;
}): string {
  return page(
    '登录',
    html`${style()}<div class="signin"><h1>登录</h1>
${o.signedInAs ? html`<p class="muted">您已登录为 ${o.signedInAs}。</p>` : null}
<p>本系统不使用密码。告警邮件中的链接就是您的个人登录链接；也可以在此填写您登记的邮箱，我们会发送一个新的登录链接。</p>
<form method="post" action="/signin" class="block">${csrfField(o.csrf)}<input type="hidden" name="_form" value="${o.formToken}"><input type="hidden" name="next" value="${o.next}">
<label>邮箱 <input type="email" name="email" required maxlength="200" autocomplete="email"></label>
<button class="primary" type="submit">发送登录链接</button></form></div>`,
  );
}

export function signInSentPage(): string {
  return page(
    '登录链接已发送',
    html`${style()}<div class="signin"><h1>请查收邮件</h1><p>如果该邮箱已在本系统登记，我们已向其发送一个登录链接。请打开邮件中的链接登录。</p><p class="muted">没有收到？请确认邮箱地址，或联系本单位绩效管理人员。</p><p><a href="/signin">返回登录</a></p></div>`,
  );
}

export function linkRefusedPage(reason: string): string {
  return page(
    '登录链接无效',
    html`${style()}<div class="refusal"><h1>无法登录</h1><p>${reason}</p><p>请在 <a href="/signin">登录页面</a> 填写您的邮箱，获取新的登录链接。</p></div>`,
  );
}

const ERROR_TITLES: Record<number, string> = {
  400: '提交的内容有误',
  401: '请先登录',
  403: '无权访问',
  404: '未找到',
  409: '无法执行',
  503: '服务暂不可用',
};

/** A refusal or error as a page (the HTML routes' 4xx/5xx). */
export function errorPage(status: number, messages: string[], signInNext: string | null): string {
  const title = ERROR_TITLES[status] ?? '出错了';
  return page(
    title,
    html`${style()}<div class="refusal" data-status="${status}"><h1>${title}</h1>${messages.map((m) => html`<p>${m}</p>`)}
${
  status === 401
    ? html`<p>打开告警邮件中的个人链接即可登录，或 <a href="/signin?next=${encodeURIComponent(signInNext ?? '/')}">获取登录链接</a>。</p>`
    : html`<p><a href="/">返回首页</a></p>`
}</div>`,
  );
}

// ---------------------------------------------------------------- alerts

export interface AlertRow {
  alert: AlertView;
  owners: readonly string[];
  canAct: boolean;
}

export const ALERT_FILTERS = {
  open: '未结束',
  pending: '待处理（未确认、未静默）',
  acknowledged: '已确认',
  silenced: '已静默',
  ended: '已结束',
  all: '全部',
} as const;
export type AlertFilter = keyof typeof ALERT_FILTERS;

const SEVERITY_TEXT: Record<string, string> = { at_risk: '有可能', off_track: '不可能' };

function handling(a: AlertView, tz: string): Html {
  if (a.state !== 'open') return html`<span class="muted">${a.state === 'resolved' ? '已恢复' : '已结束'}</span>`;
  const parts: Html[] = [];
  if (a.acknowledgedAt)
    parts.push(
      html`<span data-acknowledged="1">已确认（${a.acknowledgedBy ?? ''}，${localDateTime(a.acknowledgedAt, tz)}）</span>`,
    );
  if (a.silenced && a.silencedUntil)
    parts.push(html`<span data-silenced="1">静默至 ${localDateTime(a.silencedUntil, tz)}</span>`);
  return parts.length ? html`${parts.map((x, i) => html`${i ? '；' : ''}${x}`)}` : html`<strong>待处理</strong>`;
}

function alertLabel(a: AlertView): string {
  return `${a.unit.indicatorName}${a.unit.partLabel ? `（${a.unit.partLabel}）` : ''}`;
}

/** Buttons for one alert: 确认告警, 静默至 <date>, 取消静默 — each a POST form. */
function alertButtons(a: AlertView, csrf: string | null, back: string, today: string): Html {
  if (a.state !== 'open') return html``;
  const action = (what: string) => `${alertHref(a.id)}/${what}`;
  return html`${
    a.acknowledgedAt
      ? null
      : html`<form class="inline" method="post" action="${action('ack')}">${csrfField(csrf)}<input type="hidden" name="back" value="${back}"><button class="primary" type="submit">确认告警</button></form>`
  }<form class="inline" method="post" action="${action('silence')}">${csrfField(csrf)}<input type="hidden" name="back" value="${back}"><label>静默至 <input type="date" name="until" required min="${today}"></label><button class="secondary" type="submit">静默</button></form>${
    a.silenced
      ? html`<form class="inline" method="post" action="${action('unsilence')}">${csrfField(csrf)}<input type="hidden" name="back" value="${back}"><button class="secondary" type="submit">取消静默</button></form>`
      : null
  }`;
}

export function alertsPage(o: {
  rows: AlertRow[];
  filter: { project: string; status: AlertFilter; owner: string };
  projects: Array<{ id: string; name: string }>;
  owners: string[];
  csrf: string | null;
  flash: string | null;
  timeZone: string;
  signedIn: string | null;
}): string {
  const { rows, filter } = o;
  const bulk = rows.some((r) => r.canAct && r.alert.state === 'open' && !r.alert.acknowledgedAt) && o.csrf;
  const back = `/alerts?${new URLSearchParams({ project: filter.project, status: filter.status, owner: filter.owner }).toString()}`;
  const body = html`${style()}<h1>告警</h1>${o.flash ? html`<p class="flash" role="status">${o.flash}</p>` : null}
<form method="get" action="/alerts" class="filters">
<label>项目<select name="project"><option value="">全部项目</option>${o.projects.map(
    (p) => html`<option value="${p.id}"${p.id === filter.project ? raw(' selected') : null}>${p.name}</option>`,
  )}</select></label>
<label>状态<select name="status">${(Object.keys(ALERT_FILTERS) as AlertFilter[]).map(
    (k) => html`<option value="${k}"${k === filter.status ? raw(' selected') : null}>${ALERT_FILTERS[k]}</option>`,
  )}</select></label>
<label>负责人<select name="owner"><option value="">全部</option>${
    o.signedIn ? html`<option value="me"${filter.owner === 'me' ? raw(' selected') : null}>我负责的</option>` : null
  }${o.owners.map((e) => html`<option value="${e}"${e === filter.owner ? raw(' selected') : null}>${e}</option>`)}</select></label>
<button class="secondary" type="submit">筛选</button></form>
${
  rows.length === 0
    ? html`<p class="muted">没有符合条件的告警。</p>`
    : html`<form method="post" action="/alerts/ack" id="bulk">${csrfField(o.csrf)}<input type="hidden" name="back" value="${back}">
<table class="alerts"><thead><tr><th></th><th>项目</th><th>指标</th><th>完成目标可能性</th><th>当前状态</th><th>开始时间</th><th>处理情况</th><th>负责人</th></tr></thead><tbody>
${rows.map(
  (r) =>
    html`<tr class="alert" data-alert="${r.alert.id}"><td>${
      r.canAct && r.alert.state === 'open' && !r.alert.acknowledgedAt
        ? html`<input type="checkbox" name="ids" value="${r.alert.id}" aria-label="选择">`
        : null
    }</td><td>${r.alert.unit.projectName}</td><td><a href="${alertHref(r.alert.id)}">${alertLabel(r.alert)}</a></td><td>${
      r.alert.severity ? SEVERITY_TEXT[r.alert.severity] : '—'
    }</td><td>${statusBadge(r.alert.status)}</td><td>${localDateTime(r.alert.openedAt, o.timeZone)}</td><td>${handling(r.alert, o.timeZone)}</td><td class="muted">${r.owners.join('、')}</td></tr>`,
)}
</tbody></table>${bulk ? html`<p><button class="primary" type="submit">确认所选告警</button></p>` : null}</form>`
}`;
  return page('告警', body);
}

/** The page a mail's 确认告警 link opens: the alert and its buttons (opening it changes nothing). */
/** What an alert's page shows of its unit's figures. */
export type AlertFigures = Pick<AlertView['last'], 'actual' | 'expected' | 'reason'>;

export function alertConfirmPage(o: {
  row: AlertRow;
  /** The unit's figures judged now; null: the alert's own (as of its last change). */
  figures: AlertFigures | null;
  refusal: string | null;
  csrf: string | null;
  flash: string | null;
  timeZone: string;
  today: string;
}): string {
  const a = o.row.alert;
  const f = o.figures ?? a.last;
  const back = alertHref(a.id);
  return page(
    `告警 · ${alertLabel(a)}`,
    html`${style()}<p><a href="/alerts">← 告警</a> · <a href="${indicatorHref(a.unit.indicatorId)}">查看指标</a></p>
<h1>${a.unit.projectName} · ${alertLabel(a)}</h1>${o.flash ? html`<p class="flash" role="status">${o.flash}</p>` : null}
<table><tr><th>当前状态</th><td>${statusBadge(a.status)}</td></tr><tr><th>指标值</th><td>${a.unit.targetText}</td></tr>
<tr><th>实际完成值</th><td>${num(f.actual, a.unit.unit)}</td></tr><tr><th>按进度应完成</th><td>${num(f.expected, a.unit.unit)}</td></tr>
<tr><th>原因</th><td>${f.reason}</td></tr><tr><th>开始时间</th><td>${localDateTime(a.openedAt, o.timeZone)}</td></tr>
<tr><th>处理情况</th><td>${handling(a, o.timeZone)}</td></tr><tr><th>负责人</th><td>${o.row.owners.join('、') || '—'}</td></tr></table>
<div class="people-actions" id="alert-actions">${
      o.row.canAct && o.csrf
        ? a.state === 'open'
          ? alertButtons(a, o.csrf, back, o.today)
          : html`<p class="muted">该告警已结束，无需处理。</p>`
        : html`<p class="muted">${o.refusal ?? '您可以查看此告警，但不能处理。'}</p>`
    }</div>`,
  );
}

// ---------------------------------------------------------------- indicator page

export interface UnitReport {
  unit: ReportUnit;
  label: string | null;
  forms: ReportForm[];
  /** Current assessment of a qualitative unit. */
  assessment: { likelihood: string; text: string } | null;
}

function reportForm(u: UnitReport, form: ReportForm, csrf: string, action: string, back: string, today: string): Html {
  const hidden = html`${csrfField(csrf)}<input type="hidden" name="form" value="${form}"><input type="hidden" name="unit" value="${u.unit.id}"><input type="hidden" name="back" value="${back}">`;
  const note = html`<label>备注 <input type="text" name="note" maxlength="2000"></label>`;
  const unit = u.unit.unit ? html` ${u.unit.unit}` : null;
  let fields: Html;
  switch (form) {
    case 'cumulative':
      fields = html`<label>${REPORT_FORM_LABELS.cumulative} <input type="text" inputmode="decimal" name="value" required size="10">${unit}</label><span class="muted">（当前 ${num(u.unit.actual, u.unit.unit)}）</span>`;
      break;
    case 'increment':
      fields = html`<label>${REPORT_FORM_LABELS.increment} <input type="text" inputmode="decimal" name="value" required size="10">${unit}</label>`;
      break;
    case 'set':
      fields = html`<label>${REPORT_FORM_LABELS.set} <input type="text" inputmode="decimal" name="value" required size="10">${unit}</label>`;
      break;
    case 'survey':
      fields = html`<label>满意人数 <input type="number" name="satisfied" min="0" step="1" required></label><label>调查总数 <input type="number" name="total" min="1" step="1" required></label>`;
      break;
    case 'milestone':
      fields = html`<label>完成日期 <input type="date" name="date" required max="${today}" value="${today}"></label>`;
      break;
    case 'assessment':
      fields = html`<fieldset style="border:0;padding:0;margin:0"><legend>完成目标可能性</legend>${[
        '确定能',
        '有可能',
        '不可能',
      ].map(
        (l) => html`<label><input type="radio" name="likelihood" value="${l}" required> ${l}</label>`,
      )}</fieldset><label style="display:block">评估说明 <textarea name="text" required maxlength="2000"></textarea></label>`;
      break;
  }
  return html`<form class="block" method="post" action="${action}" data-form="${form}" data-unit="${u.unit.id}">${hidden}<strong>${
    form === 'milestone' ? '已完成' : REPORT_FORM_LABELS[form]
  }</strong> ${fields} ${form === 'assessment' ? null : note}<button class="primary" type="submit">${form === 'milestone' ? '报告已完成' : '提交填报'}</button></form>`;
}

function describeAudit(e: AuditEntryView, tz: string): string {
  const a = (e.after ?? {}) as Record<string, unknown>;
  const b = (e.before ?? {}) as Record<string, unknown>;
  const time = (v: unknown) => (typeof v === 'string' ? localDateTime(v, tz) : '—');
  switch (e.action) {
    case 'ack':
      return `确认告警 ${e.target}`;
    case 'silence':
      return `静默告警 ${e.target} 至 ${time(a.silencedUntil)}`;
    case 'unsilence':
      return `取消静默 ${e.target}（原静默至 ${time(b.silencedUntil)}）`;
    case 'report':
      return `填报：${typeof a.summary === 'string' ? a.summary : ''}（事件 ${typeof a.eventId === 'string' ? a.eventId : ''}）`;
    case 'deviation': {
      const str = (v: unknown) => (typeof v === 'string' ? v : '');
      const d = (x: Record<string, unknown> | null) =>
        x ? `${str(x.category)}：${str(x.remark)}；整改措施：${str(x.measures)}` : '（无）';
      return `偏差原因 ${d(e.after as Record<string, unknown> | null)}（原：${d(e.before as Record<string, unknown> | null)}）`;
    }
    case 'sign_in':
      return '登录';
    case 'sign_out':
      return '退出';
    case 'close_year':
      return `关账：${e.target}年度（此后该年度的事件不再计入）`;
    case 'person_put':
      return `人员：${e.target}${personText(e.after)}（原：${e.before ? personText(e.before) : '无'}）`;
    case 'person_remove':
      return `移除人员：${e.target}（其链接与会话失效）`;
    case 'person_revoke':
      return `吊销链接：${e.target}（此前签发的链接失效）`;
    case 'issue_link':
      return `签发登录链接：${e.target}`;
    case 'dlq_redrive': {
      const a = e.after as { republished?: unknown[]; failed?: number } | null;
      return `重放死信：${e.target}（重放 ${a?.republished?.length ?? 0} 条${a?.failed ? `，失败 ${a.failed} 条` : ''}）`;
    }
  }
}

export const AUDIT_ACTION_TEXT: Record<AuditEntryView['action'], string> = {
  ack: '确认告警',
  silence: '静默',
  unsilence: '取消静默',
  report: '填报',
  deviation: '偏差原因',
  sign_in: '登录',
  sign_out: '退出',
  close_year: '年度关账',
  person_put: '人员变更',
  person_remove: '移除人员',
  person_revoke: '吊销链接',
  issue_link: '签发链接',
  dlq_redrive: '重放死信',
};

/** A directory entry as the audit log keeps it: name, role, agency. */
function personText(v: unknown): string {
  if (!v || typeof v !== 'object') return '';
  const p = v as { name?: unknown; role?: unknown; agency?: unknown };
  const parts = [p.name, typeof p.role === 'string' && isRole(p.role) ? ROLE_LABELS[p.role] : null, p.agency].filter(
    (x): x is string => typeof x === 'string' && x !== '',
  );
  return parts.length ? ` ${parts.join('，')}` : '';
}

export function auditTable(entries: AuditEntryView[], tz: string): Html {
  if (entries.length === 0) return html`<p class="muted">暂无操作记录。</p>`;
  return html`<table class="audit"><thead><tr><th>时间（业务时钟）</th><th>操作人</th><th>操作</th><th>内容</th><th>记录时间（实际）</th><th>来源地址</th></tr></thead><tbody>${entries.map(
    (e) =>
      html`<tr class="audit-entry" data-action="${e.action}" data-actor="${e.actor}"><td>${localDateTime(e.at, tz)}</td><td>${e.actorName}${e.actorName !== e.actor ? html` <span class="muted">${e.actor}</span>` : null}</td><td>${AUDIT_ACTION_TEXT[e.action]}</td><td>${describeAudit(e, tz)}</td><td class="muted">${e.recordedAt.slice(0, 19).replace('T', ' ')} UTC</td><td class="muted">${e.address ?? ''}</td></tr>`,
  )}</tbody></table>`;
}

/** The indicator page's actions (alerts, 填报, 偏差原因) and its 操作记录. */
export function indicatorSections(o: {
  d: IndicatorDetail;
  alerts: AlertRow[];
  units: UnitReport[];
  canAct: boolean;
  refusal: string | null;
  csrf: string | null;
  flash: string | null;
  audit: AuditEntryView[];
  timeZone: string;
  today: string;
  /** The indicator's owners (指标负责人) as the directory names them. */
  owners?: ReadonlyArray<{ email: string; name: string | null }>;
}): { actions: Html; log: Html; owners: Html; alertHistory: Html } {
  const d = o.d;
  const back = indicatorHref(d.id);
  const act = o.canAct && o.csrf !== null;
  const open = o.alerts.filter((r) => r.alert.state === 'open');
  const alertsSection = html`<h2 id="alerts">告警</h2>${
    open.length === 0
      ? html`<p class="muted">当前没有未结束的告警。</p>`
      : html`<table class="alerts"><thead><tr><th>告警</th><th>当前状态</th><th>开始时间</th><th>处理情况</th><th>操作</th></tr></thead><tbody>${open.map(
          (r) =>
            html`<tr class="alert" id="alert-${r.alert.id}" data-alert="${r.alert.id}"><td><a href="${alertHref(r.alert.id)}">${alertLabel(r.alert)}</a></td><td>${statusBadge(r.alert.status)}</td><td>${localDateTime(r.alert.openedAt, o.timeZone)}</td><td>${handling(r.alert, o.timeZone)}</td><td>${
              act && r.canAct ? alertButtons(r.alert, o.csrf, back, o.today) : html`<span class="muted">—</span>`
            }</td></tr>`,
        )}</tbody></table>`
  }`;
  const reportable = o.units.filter((u) => u.forms.length > 0);
  const reportSection = html`<h2 id="report">填报</h2>${
    !act
      ? html`<p class="muted">${o.refusal ?? '您可以查看此指标，但不能填报。'}</p>`
      : reportable.length === 0
        ? html`<p class="muted">${o.units.some((u) => u.unit.bound) ? '此指标由上游系统自动采集，无需填报。' : '此指标不接受填报。'}</p>`
        : reportable.map(
            (u) =>
              html`<div class="unit-report" data-unit="${u.unit.id}">${u.label ? html`<h3>${u.label}</h3>` : null}${
                u.assessment
                  ? html`<p>当前评估：<strong data-assessment="${u.assessment.likelihood}">${u.assessment.likelihood}</strong> · ${u.assessment.text}</p>`
                  : null
              }${u.forms.map((f) => reportForm(u, f, o.csrf!, `${back}/report`, back, o.today))}</div>`,
          )
  }`;
  const dev = d.deviation;
  const deviationSection = act
    ? html`<h2 id="deviation">偏差原因与整改措施</h2><form class="block" method="post" action="${back}/deviation">${csrfField(o.csrf)}<input type="hidden" name="back" value="${back}">
<label>偏差原因类别 <select name="category" required>${DEVIATION_CATEGORIES.map(
        (c) => html`<option value="${c}"${dev?.category === c ? raw(' selected') : null}>${c}</option>`,
      )}</select></label>
<label style="display:block">偏差原因说明 <textarea name="remark" required maxlength="2000">${dev?.remark ?? ''}</textarea></label>
<label style="display:block">整改措施 <textarea name="measures" required maxlength="2000">${dev?.measures ?? ''}</textarea></label>
<button class="primary" type="submit">保存偏差原因与整改措施</button></form>`
    : null;
  return {
    actions: html`${style()}<section class="people-actions" id="actions">${o.flash ? html`<p class="flash" role="status">${o.flash}</p>` : null}${alertsSection}${reportSection}${deviationSection}</section>`,
    log: html`<section id="audit"><h2>操作记录</h2>${auditTable(o.audit, o.timeZone)}</section>`,
    owners: ownersLine(o.owners ?? []),
    alertHistory: alertHistory(o.alerts, o.timeZone),
  };
}

/** 指标负责人: names and addresses, or a note that nobody is named. */
function ownersLine(owners: ReadonlyArray<{ email: string; name: string | null }>): Html {
  return html`<p id="owners">指标负责人：${
    owners.length === 0
      ? html`<span class="muted">未指定（告警发往预警未确认的接收人）</span>`
      : owners.map(
          (x, i) =>
            html`${i > 0 ? '、' : ''}<span class="owner" data-owner="${x.email}">${x.name ?? x.email}${x.name ? html` <span class="muted">&lt;${x.email}&gt;</span>` : null}</span>`,
        )
  }</p>`;
}

export const ALERT_CHANGE_TEXT: Record<AlertView['history'][number]['change'], string> = {
  opened: '告警开始',
  escalated: '升级',
  'de-escalated': '降级',
  repeat: '重复提醒',
  unacknowledged: '预警未确认',
  resolved: '已恢复',
  achieved: '已完成',
  missed: '未完成',
  no_data: '缺报提醒',
  acknowledged: '确认告警',
  silenced: '静默',
  unsilenced: '取消静默',
};

/** 告警记录: every alert of the indicator (open or ended), each state change on its own row, newest first. */
function alertHistory(alerts: readonly AlertRow[], tz: string): Html {
  const rows = alerts
    .flatMap((r) => r.alert.history.map((h) => ({ a: r.alert, h })))
    .sort((x, y) => (x.h.at < y.h.at ? 1 : x.h.at > y.h.at ? -1 : 0));
  return html`<section id="alert-history"><h2>告警记录</h2>${
    rows.length === 0
      ? html`<p class="muted">此指标没有告警。</p>`
      : html`<table class="alert-history"><thead><tr><th>时间</th><th>告警</th><th>变化</th><th>完成目标可能性</th><th>告警状态</th><th>操作人</th></tr></thead><tbody>${rows.map(
          ({ a, h }) =>
            html`<tr data-alert="${a.id}" data-change="${h.change}"><td>${localDateTime(h.at, tz)}</td><td><a href="${alertHref(a.id)}">${alertLabel(a)}</a></td><td>${ALERT_CHANGE_TEXT[h.change] ?? h.change}</td><td>${statusBadge(h.status as Status)}</td><td>${h.state === 'open' ? '进行中' : h.state === 'resolved' ? '已恢复' : '已结束'}</td><td>${h.by ?? ''}</td></tr>`,
        )}</tbody></table>`
  }</section>`;
}

/** What a completed action says on the page it returns to (fixed texts: nothing from the request is echoed). */
export function flashText(q: { done?: unknown; n?: unknown; skipped?: unknown }): string | null {
  const n = (v: unknown) => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : 0);
  switch (q.done) {
    case 'ack':
      return '已确认告警：在告警结束或风险升级前不再重复提醒。';
    case 'silence':
      return '已静默告警。';
    case 'unsilence':
      return '已取消静默。';
    case 'report':
      return '已提交填报：数据入库后（通常数秒内）本页即显示新的进度与状态。';
    case 'deviation':
      return '已保存偏差原因与整改措施。';
    case 'bulk':
      return `已确认 ${n(q.n)} 条告警${n(q.skipped) ? `；${n(q.skipped)} 条未确认（已确认、已结束或无权操作）` : ''}。`;
    default:
      return null;
  }
}
