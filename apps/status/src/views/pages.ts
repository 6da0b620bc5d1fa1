import type { IndicatorDetail, IndicatorView, UnitView } from '../dtos/indicator.dto';
import { PROJECT_RISKS, projectRisk, type ProjectSort } from '@iw/report';
import type { AgencyList, HomeQuery, ProjectDetail, ProjectView } from '../dtos/project.dto';
import type { OpsStatus } from '../dtos/status.dto';
import { chartSvg } from './chart';
import { html, pathSegment, raw, type Html } from './html';
import { budgetBar, lights, num, page, statusBadge } from './layout';

/** The dashboard's pages: data in (the API's own shapes), escaped HTML out. */

const projectHref = (id: string) => `/projects/${pathSegment(id)}`;
const indicatorHref = (id: string) => `/indicators/${pathSegment(id)}`;

export function pipelineHealth(s: OpsStatus): Html {
  const tile = (k: string, v: string | number, level: '' | 'warn' | 'bad' = '', id = '', href = '') =>
    html`<div class="tile ${level}" data-tile="${id}"><div class="k">${href ? html`<a href="${href}">${k}</a>` : k}</div><div class="v">${v}</div></div>`;
  const ingest = s.consumers.find((c) => c.role === 'ingest');
  const alerting = s.consumers.find((c) => c.role === 'alerting');
  const lagTile = (name: string, c: OpsStatus['consumers'][number] | undefined, id: string) =>
    tile(
      name,
      c?.totalLag ?? '不可读',
      c?.error && c.totalLag === null ? 'bad' : (c?.totalLag ?? 0) > 1000 ? 'warn' : '',
      id,
    );
  const instances = (svc: string) => s.services.filter((x) => x.service === svc).length;
  const errors = Object.entries(s.errors);
  return html`<section id="pipeline"><div class="pipeline">
${lagTile('入库积压（条）', ingest, 'ingest-lag')}
${lagTile('告警积压（条）', alerting, 'alerting-lag')}
${tile('事件/秒（1分钟 / 5分钟）', `${s.events.rate1m} / ${s.events.rate5m}`, '', 'rate')}
${tile('入库实例 / 告警实例', `${instances('ingest')} / ${instances('alerting')}`, instances('ingest') === 0 ? 'warn' : '', 'instances')}
${tile('死信（DLQ）', s.dlq.count, s.dlq.count > 0 ? 'warn' : '', 'dlq', '/dlq')}
${s.parked.length > 0 ? tile('暂停计数的指标', s.parked.length, 'bad', 'parked') : null}
${tile('待发邮件 / 失败', `${s.outbox.backlog} / ${s.outbox.failing}`, s.outbox.failing > 0 ? 'bad' : '', 'outbox')}
${tile('当前时间（业务时钟）', s.clock.local, '', 'clock')}
</div><p class="muted" id="snapshot">${snapshotText(s.snapshot)}</p>${watermarkTable(s)}${
    s.parked.length > 0
      ? html`<p class="err" id="parked">暂停计数（事件已暂存，重建后计入：npx iw progress rebuild --unit &lt;编号&gt;）：${s.parked.map(
          (p) => html`<span>${p.unit}（${p.events} 条；${p.reason}）</span> `,
        )}</p>`
      : null
  }${errors.length ? html`<p class="err">无法读取：${errors.map(([k, v]) => html`<span>${k}（${v}）</span> `)}</p>` : null}</section>`;
}

/**
 * How old the background reading behind the DLQ, parked and outbox tiles is (OpsStatus.snapshot).
 * Plain JavaScript once compiled: the dashboard script runs this same function on each refresh
 * (DASHBOARD_JS embeds its source), so the page and its refreshes say it alike.
 */
export function snapshotText(s: { ageSeconds: number; everySeconds: number }): string {
  const age = s.ageSeconds < 90 ? `${s.ageSeconds} 秒` : `${Math.round(s.ageSeconds / 60)} 分钟`;
  const every = s.everySeconds > 0 ? `至多每 ${s.everySeconds} 秒读一次` : '每次请求时读';
  return `死信、暂停计数与待发邮件：${age}前的读数（${every}）`;
}

/** 数据截至: per source, the event time ingest has processed it to (alerting judges as of it) and how far behind the clock. */
function watermarkTable(s: OpsStatus): Html | null {
  if (s.watermarks.length === 0) return null;
  const lagText = (sec: number | null) =>
    sec === null
      ? '未知'
      : sec < 60
        ? '当前'
        : sec < 7200
          ? `落后 ${Math.round(sec / 60)} 分钟`
          : sec < 172_800
            ? `落后 ${Math.round(sec / 3600)} 小时`
            : `落后 ${Math.round(sec / 86_400)} 天`;
  return html`<table class="watermarks" id="watermarks"><thead><tr><th>数据源（主题）</th><th>数据截至（事件时间）</th><th>滞后</th></tr></thead><tbody>
${s.watermarks.map(
  (w) =>
    html`<tr data-topic="${w.topic}" class="${(w.lagSeconds ?? Infinity) >= 3600 ? 'warn' : ''}"><td>${w.topic}</td><td>${w.local ?? '未知'}</td><td data-lag-seconds="${w.lagSeconds ?? ''}">${lagText(w.lagSeconds)}</td></tr>`,
)}
</tbody></table>`;
}

/** The pipeline's figures (积压, 事件/秒, DLQ, instances …) for ops, refreshed by /assets/dashboard.js. */
export function opsPage(ops: OpsStatus | null, opsError: string | null): string {
  const body = html`<h1>数据管道</h1>${ops ? pipelineHealth(ops) : html`<p class="err">数据管道状态不可读：${opsError ?? '—'}</p>`}
<p class="muted">同样的数字：<a href="/status">/status</a>（JSON）· <a href="/metrics">/metrics</a>（Prometheus）</p>`;
  return page('数据管道', body, { script: true });
}

type Likelihoods = { 确定能: number; 有可能: number; 不可能: number; 暂无: number };
const LIKELIHOODS = ['确定能', '有可能', '不可能', '暂无'] as const;

/** A link to the home page with these query parameters (the year kept on every link). */
export function homeHref(q: Partial<Record<keyof HomeQuery, string | number>>): string {
  const u = new URLSearchParams();
  for (const k of ['agency', 'year', 'risk', 'sort'] as const) if (q[k] !== undefined) u.set(k, String(q[k]));
  const s = u.toString();
  return s ? `/?${s}` : '/';
}

const noCatalogue = () => html`<p class="muted">尚未导入绩效目标表（npx iw targets import &lt;文件&gt;）。</p>`;

/** How 落后 reads on the pages: below this share of 序时进度 (the pace tolerance taken off). */
export function behindRule(tolerance: number): string {
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  return `预算执行率低于序时进度的 ${pct(1 - tolerance)}（容差 ${pct(tolerance)}）即为落后，标红`;
}

/**
 * The finance department's view: one row per agency it reads, each linking to the agency's
 * project list. `tolerance`: the pace tolerance 落后 allows (said on the page).
 */
export function agenciesPage(list: AgencyList, year: number | undefined, tolerance: number): string {
  const body = html`<h1>预算单位总览（${list.fiscalYear ?? '—'}年度）</h1>
<p class="muted" id="behind-rule">序时进度 ${list.timeElapsed ?? '—'}% · 完成目标可能性按指标计数 · ${behindRule(tolerance)}</p>
${
  list.agencies.length === 0
    ? noCatalogue()
    : html`<table class="agencies"><thead><tr><th>预算单位</th><th>项目数</th><th>指标数</th>${LIKELIHOODS.map((l) => html`<th>${l}</th>`)}<th>年度资金（万元）</th><th>执行数（万元）</th><th>预算执行率 / 序时进度</th></tr></thead><tbody>
${list.agencies.map(
  (a) =>
    html`<tr class="agency" data-agency="${a.agency}"><td><a href="${homeHref({ agency: a.agency, year })}">${a.agency}</a></td><td class="num">${a.projectCount}</td><td class="num">${a.indicatorCount}</td>${LIKELIHOODS.map((l) => html`<td class="num c-${l}" data-likelihood="${l}">${a.likelihoods[l]}</td>`)}<td class="num">${num(a.fundsTotal)}</td><td class="num">${num(a.spent)}</td><td>${budgetBar(a.executionRate, list.timeElapsed, a.behind)}</td></tr>`,
)}
</tbody></table>`
}`;
  return page('预算单位总览', body);
}

export interface AgencyPageInput {
  agency: string;
  fiscalYear: number | null;
  timeElapsed: number | null;
  /** The agency's counts and totals over all its projects (null: none this year). */
  summary: {
    likelihoods: Likelihoods;
    executionRate: number | null;
    behind: boolean;
    fundsTotal: number | null;
    spent: number | null;
  } | null;
  /** Its projects, filtered and sorted as asked. */
  projects: ProjectView[];
  /** How many projects before the filter. */
  total: number;
  query: HomeQuery;
  /** Whether the viewer reads several agencies (a link back to the roll-up). */
  rollUp: boolean;
  /** The pace tolerance 落后 allows (said on the page). */
  tolerance: number;
}

/** One agency: its counts on top, then its projects, sortable and filterable by risk (a GET form; no script). */
export function agencyPage(o: AgencyPageInput): string {
  const q = o.query;
  const sort = q.sort ?? 'risk';
  const base = { agency: o.agency, year: q.year, risk: q.risk };
  const th = (key: ProjectSort, label: string) =>
    html`<th class="${sort === key ? 'sorted' : ''}" data-sort="${key}"><a href="${homeHref({ ...base, sort: key })}">${label}</a></th>`;
  const report = `/api/agencies/${pathSegment(o.agency)}/monitoring-report`;
  const yearQ = q.year !== undefined ? `&year=${q.year}` : '';
  const body = html`${o.rollUp ? html`<p><a href="${homeHref({ year: q.year })}">← 预算单位总览</a></p>` : null}
<h1>${o.agency}（${o.fiscalYear ?? '—'}年度）</h1>
<section id="agency-summary"><div class="counts">${LIKELIHOODS.map(
    (l) =>
      html`<div class="count c-${l}" data-likelihood="${l}"><div class="k">${l}</div><div class="v">${o.summary?.likelihoods[l] ?? 0}</div></div>`,
  )}<div class="count"><div class="k">预算执行率 / 序时进度</div><div class="v">${budgetBar(o.summary?.executionRate ?? null, o.timeElapsed, o.summary?.behind ?? false)}</div></div>
<div class="count"><div class="k">年度资金 / 执行数（万元）</div><div class="v">${num(o.summary?.fundsTotal)} / ${num(o.summary?.spent)}</div></div></div>
${o.summary ? html`<p>部门绩效监控表：<a href="${report}?format=xlsx${yearQ}">下载 .xlsx</a> · <a href="${report}?format=json${yearQ}">JSON</a></p>` : null}</section>
<section id="projects"><h2>项目</h2>
<form class="filters" method="get" action="/"><input type="hidden" name="agency" value="${o.agency}">${q.year !== undefined ? html`<input type="hidden" name="year" value="${q.year}">` : null}
<label>项目风险（最差的完成目标可能性）<select name="risk"><option value="">全部</option>${PROJECT_RISKS.map((r) => html`<option value="${r}"${q.risk === r ? raw(' selected') : null}>${r}</option>`)}</select></label>
<label>排序<select name="sort">${(Object.keys(SORT_LABELS) as ProjectSort[]).map((k) => html`<option value="${k}"${sort === k ? raw(' selected') : null}>${SORT_LABELS[k]}</option>`)}</select></label>
<button type="submit">筛选</button></form>
<p class="muted"><span id="shown">显示 ${o.projects.length} / ${o.total} 个项目</span> · <span id="behind-rule">${behindRule(o.tolerance)}</span></p>
${
  o.total === 0
    ? noCatalogue()
    : html`<table class="projects"><thead><tr>${th('name', '项目名称')}${th('risk', '完成目标可能性（确定能 / 有可能 / 不可能 / 暂无）')}${th('execution', '预算执行率 / 序时进度')}${th('funds', '年度资金（万元）')}<th>执行数（万元）</th><th>指标数</th></tr></thead><tbody>
${o.projects.map(
  (p) =>
    html`<tr class="project" data-project="${p.id}" data-risk="${projectRisk(p.lights)}"><td><a href="${projectHref(p.id)}">${p.name}</a></td><td>${lights(p.lights)}</td><td>${budgetBar(p.executionRate, p.timeElapsed, p.behind)}</td><td class="num">${num(p.funds.total)}</td><td class="num">${num(p.spent)}</td><td class="num">${p.indicatorCount}</td></tr>`,
)}
</tbody></table>`
}</section>`;
  return page(o.agency, body);
}

const SORT_LABELS: Record<ProjectSort, string> = {
  risk: '风险最高在前',
  execution: '预算执行最落后在前',
  funds: '年度资金最多在前',
  name: '项目名称',
};

function indicatorRow(i: IndicatorView): Html {
  const figures = (u: { actual: number | null; expected: number | null; forecast: number | null; unit: string }) =>
    html`<td class="num">${num(u.actual, u.unit)}</td><td class="num">${num(u.expected, u.unit)}</td><td class="num">${num(u.forecast, u.unit)}</td>`;
  const compound = i.parts ?? [];
  return html`<tr class="indicator" data-indicator="${i.id}"><td>${i.level1}</td><td>${i.level2}</td><td><a href="${indicatorHref(i.id)}">${i.name}</a></td><td>${i.value}</td>
${compound.length ? html`<td colspan="3">${compound.map((p) => html`<div>${p.label}：${num(p.actual, p.unit)}（应 ${num(p.expected, p.unit)}，预计 ${num(p.forecast, p.unit)}）</div>`)}</td>` : figures(i)}
<td>${statusBadge(i.status, i.settled)}</td><td class="reason">${i.reason}${i.deviation ? html`<div class="muted">偏差原因（${i.deviation.category}）：${i.deviation.remark}</div>` : null}</td></tr>`;
}

export function projectPage(p: ProjectDetail): string {
  const report = `/api/projects/${pathSegment(p.id)}/monitoring-report`;
  const body = html`<h1>${p.name}</h1>
<p class="muted">${p.budgetUnit} · ${p.tableKind} · ${p.fiscalYear}年度</p>
<section class="summary"><div class="pipeline">
<div class="tile"><div class="k">完成目标可能性</div><div class="v">${lights(p.lights)}</div></div>
<div class="tile"><div class="k">预算执行率 / 序时进度</div><div class="v">${budgetBar(p.executionRate, p.timeElapsed, p.behind)}</div></div>
<div class="tile"><div class="k">年度资金 / 执行数 / 全年预计（万元）</div><div class="v">${num(p.funds.total)} / ${num(p.spent)} / ${num(p.budget.forecast)}</div></div>
</div><p>绩效监控表：<a href="${report}?format=xlsx">下载 .xlsx</a> · <a href="${report}?format=json">JSON</a></p></section>
<h2>绩效指标</h2>
<table class="indicators"><thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th><th>实际完成</th><th>按进度应完成</th><th>全年预计</th><th>完成目标可能性</th><th>说明</th></tr></thead>
<tbody>${p.indicators.map(indicatorRow)}</tbody></table>
${p.goal ? html`<h2>项目总体目标</h2><p>${p.goal}</p>` : null}`;
  return page(p.name, body);
}

function unitChart(u: UnitView & { history: IndicatorDetail['history'] }, title: string, today: string): Html {
  const t = u.target as Record<string, unknown>;
  const targets =
    t.kind === 'numeric' || t.kind === 'formula'
      ? [Number(t.value)]
      : t.kind === 'range'
        ? [Number(t.min), Number(t.max)]
        : [];
  return chartSvg({
    id: u.id,
    title,
    unit: u.unit,
    period: u.period,
    deadline: u.deadline,
    today,
    history: u.history,
    targets: targets.filter(Number.isFinite),
    // Cumulative measures only grow: the pace rises to the target; others are held against a level.
    cumulative: ['sum', 'count', 'distinct'].includes(u.measure),
    milestone: u.measure === 'milestone',
    forecast: u.forecast,
    expected: u.expected,
  });
}

/** `sections`: the actions (告警, 填报, 偏差原因) and 操作记录 of views/people.ts, for the signed-in person. */
export function indicatorPage(
  d: IndicatorDetail,
  today: string,
  sections: { actions?: Html; log?: Html; owners?: Html; alertHistory?: Html } = {},
): string {
  const units = d.parts ?? [
    {
      id: d.id,
      label: null,
      target: d.target,
      unit: d.unit,
      measure: d.measure ?? '',
      bound: false,
      actual: d.actual,
      expected: d.expected,
      forecast: d.forecast,
      status: d.status,
      statusLabel: d.statusLabel,
      likelihood: d.likelihood,
      reason: d.reason,
      settled: d.settled,
      liveStatus: d.status,
      daysLeft: d.daysLeft,
      deadline: d.deadline,
      pace: d.pace,
      period: d.period,
      eventCount: 0,
      lastEventAt: d.lastEventAt,
      history: d.history,
    },
  ];
  return page(
    d.name,
    html`<p><a href="${projectHref(d.project.id)}">${d.project.name}</a></p>
<h1>${d.name}</h1>
<p>${d.level1} · ${d.level2} · 指标值 <strong>${d.value}</strong> · ${statusBadge(d.status, d.settled)} ${d.settled ? null : html`<span class="muted">（实时评估）</span>`}</p>
<p class="reason">${d.reason}</p>
${sections.owners ?? null}
${sections.actions ?? null}
<div class="charts">${units.map(
      (u) =>
        html`<div class="card"><div><strong>${u.label ?? d.name}</strong> ${statusBadge(u.status, u.settled)} <span class="muted">实际 ${num(u.actual, u.unit)} · 应完成 ${num(u.expected, u.unit)}${u.pace ? `（${u.pace}）` : ''} · 全年预计 ${num(u.forecast, u.unit)}${u.daysLeft !== null ? ` · 剩余 ${u.daysLeft} 天` : ''}</span></div>${unitChart(u as UnitView & { history: IndicatorDetail['history'] }, `${d.name}${u.label ? ` · ${u.label}` : ''}`, today)}</div>`,
    )}</div>
${d.deviation ? html`<h2>偏差原因与整改措施</h2><table><tr><th>偏差原因</th><td>${d.deviation.category}：${d.deviation.remark}</td></tr><tr><th>整改措施</th><td>${d.deviation.measures}</td></tr><tr><th>填写</th><td>${d.deviation.updatedAt.slice(0, 10)} ${d.deviation.updatedBy ?? ''}</td></tr></table>` : null}
<h2>每日进度</h2>${
      units.some((u) => u.history.length)
        ? html`<table class="history"><thead><tr><th>日期</th>${units.map((u) => html`<th>${u.label ? `${u.label} · ` : ''}实际完成（当日末）</th><th>当日增量</th><th>按进度应完成</th>`)}</tr></thead><tbody>${historyRows(units)}</tbody></table>`
        : html`<p class="muted">尚无数据。</p>`
    }
${sections.alertHistory ?? null}
${sections.log ?? null}`,
  );
}

/** The daily table: per unit the value at the day's end, the day's increment, and 按进度应完成 beside it. */
function historyRows(units: ReadonlyArray<{ unit: string; history: IndicatorDetail['history'] }>): Html[] {
  const dates = [...new Set(units.flatMap((u) => u.history.map((p) => p.date)))].sort().reverse().slice(0, 60);
  const signed = (n: number | null | undefined, unit: string) =>
    n === null || n === undefined ? '—' : `${n > 0 ? '+' : ''}${num(n, unit)}`;
  return dates.map(
    (date) =>
      html`<tr data-date="${date}"><td>${date}</td>${units.map((u) => {
        const p = u.history.find((x) => x.date === date);
        return html`<td class="num" data-col="actual">${num(p?.actual, u.unit)}</td><td class="num" data-col="increment">${p ? signed(p.increment, u.unit) : '—'}</td><td class="num" data-col="expected">${num(p?.expected, u.unit)}</td>`;
      })}</tr>`,
  );
}

export interface MailEntry {
  file: string;
  size: number;
  receivedAt: string;
  subject: string;
  to: string;
}

export function mailPage(dir: string, mails: MailEntry[] | null): string {
  return page(
    '邮件',
    html`<h1>本地 SMTP 收到的邮件</h1><p class="muted">目录：${dir}</p>${
      mails === null
        ? html`<p class="muted">目录不存在：本地邮件接收器未运行，或邮件发往真实 SMTP 服务器。</p>`
        : mails.length === 0
          ? html`<p class="muted">暂无邮件。</p>`
          : html`<table class="mails"><thead><tr><th>收到时间</th><th>收件人</th><th>主题</th><th>大小</th></tr></thead><tbody>${mails.map(
              (m) =>
                html`<tr><td>${m.receivedAt.slice(0, 19).replace('T', ' ')}</td><td>${m.to}</td><td><a href="/mail/${pathSegment(m.file)}">${m.subject || '（无主题）'}</a></td><td class="num">${Math.ceil(m.size / 1024)} KB</td></tr>`,
            )}</tbody></table>`
    }`,
  );
}

export function mailMessagePage(m: MailEntry, text: string): string {
  return page(
    m.subject || m.file,
    html`<p><a href="/mail">← 邮件</a></p><h1>${m.subject}</h1><p class="muted">${m.to} · ${m.receivedAt}</p><pre class="mail">${text}</pre>`,
  );
}
