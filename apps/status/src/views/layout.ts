import type { Status } from '@iw/risk';
import { html, raw, type Html } from './html';

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.5 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#182026;background:#f5f8fa}
header.top{background:#1f4b7a;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center}
header.top a{color:#fff;text-decoration:none}header.top .brand{font-weight:600;font-size:16px}
main{padding:16px 24px;max-width:1400px;margin:0 auto}
h1{font-size:20px;margin:8px 0 12px}h2{font-size:16px;margin:20px 0 8px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d8e1e8;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef3f7;font-weight:600;white-space:nowrap}td.num{text-align:right;white-space:nowrap}
.pipeline{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:8px}
.tile{background:#fff;border:1px solid #d8e1e8;border-radius:6px;padding:8px 12px;min-width:150px}
.tile .k{color:#5c7080;font-size:12px}.tile .v{font-size:18px;font-weight:600}
.tile.bad{border-color:#c23030}.tile.bad .v{color:#c23030}.tile.warn{border-color:#d9822b}.tile.warn .v{color:#bf7326}
.lights{display:inline-flex;gap:6px;align-items:center;white-space:nowrap}
.light{display:inline-flex;align-items:center;justify-content:center;min-width:26px;height:26px;border-radius:13px;color:#fff;font-weight:600;font-size:12px;padding:0 6px}
.light-green{background:#0f9960}.light-amber{background:#d9822b}.light-red{background:#c23030}.light-grey{background:#a7b6c2}
.light.zero{opacity:.35}
.budget{white-space:nowrap}.bar{position:relative;width:160px;height:14px;background:#e1e8ed;border-radius:7px;overflow:visible;display:inline-block;vertical-align:middle}
.bar .fill{position:absolute;left:0;top:0;bottom:0;background:#137cbd;border-radius:7px}
.bar .elapsed{position:absolute;top:-3px;bottom:-3px;width:2px;background:#182026}
.budget.behind .fill{background:#c23030}.budget.behind .rate{color:#c23030;font-weight:600}
.behind-tag{display:inline-block;border-radius:3px;padding:0 4px;margin-left:4px;font-size:12px;color:#fff;background:#c23030}
th a{color:inherit}th.sorted a::after{content:" ▼";font-size:10px}
.counts{display:flex;gap:10px;flex-wrap:wrap;margin:4px 0 12px}.count{background:#fff;border:1px solid #d8e1e8;border-left-width:6px;border-radius:6px;padding:6px 12px;min-width:110px}
.count .v{font-size:20px;font-weight:600}.count .k{color:#5c7080;font-size:12px}
.count.c-确定能{border-left-color:#0f9960}.count.c-有可能{border-left-color:#d9822b}.count.c-不可能{border-left-color:#c23030}.count.c-暂无{border-left-color:#a7b6c2}
td.c-确定能{color:#0a6640}td.c-有可能{color:#bf7326}td.c-不可能{color:#c23030;font-weight:600}
form.filters{display:flex;gap:12px;align-items:end;flex-wrap:wrap;margin:8px 0}form.filters label{display:flex;flex-direction:column;font-size:12px;color:#5c7080}
.badge{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:12px;white-space:nowrap}
.s-on_track,.s-achieved{background:#0f9960}.s-at_risk{background:#d9822b}.s-off_track,.s-missed{background:#c23030}.s-no_data,.s-manual{background:#8a9ba8}
.muted{color:#5c7080}.reason{max-width:420px}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:16px}
.card{background:#fff;border:1px solid #d8e1e8;border-radius:6px;padding:12px}
.err{color:#c23030}pre.mail{white-space:pre-wrap;background:#fff;border:1px solid #d8e1e8;padding:12px}
`;

export const STATUS_TEXT: Readonly<Record<Status, string>> = {
  on_track: '确定能',
  at_risk: '有可能',
  off_track: '不可能',
  achieved: '已完成',
  missed: '未完成',
  no_data: '暂无数据',
  manual: '待人工评估',
};

export function statusBadge(status: Status, settled?: boolean): Html {
  return html`<span class="badge s-${status}" data-status="${status}" title="${settled === false ? '实时评估（尚未经告警服务确认）' : ''}">${STATUS_TEXT[status]}</span>`;
}

/** Where the signed-in person's links (their home page, 告警, 邮件 …) and name go; filled per request (views/people.ts navBar). */
export const NAV_MARK = '<!--iw:nav-->';

/** A page of the dashboard; scripts come from /assets (CSP allows no inline script). */
export function page(title: string, body: Html, options: { script?: boolean } = {}): string {
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>${title} · 绩效运行监控</title><style>${raw(CSS)}</style></head>
<body><header class="top"><a class="brand" href="/">绩效运行监控 Indicator Watch</a>${raw(NAV_MARK)}</header>
<main>${body}</main>${options.script ? raw('<script src="/assets/dashboard.js" defer></script>') : null}</body></html>`
    .value;
}

/**
 * 预算执行率 against 序时进度: the bar is 执行率, the black mark the share of the year gone; a rate
 * 落后 (`behind` as the API says it: budgetBehind, beyond the pace tolerance) is drawn red and tagged.
 */
export function budgetBar(executionRate: number | null, timeElapsed: number | null, behind: boolean): Html {
  const rate = executionRate ?? 0;
  return html`<span class="budget${behind ? ' behind' : ''}" data-behind="${String(behind)}"><span class="bar" title="预算执行率 ${executionRate ?? '—'}%，序时进度 ${timeElapsed ?? '—'}%"><span class="fill" style="width:${Math.min(100, Math.max(0, rate))}%"></span>${timeElapsed !== null ? html`<span class="elapsed" style="left:${Math.min(100, Math.max(0, timeElapsed))}%"></span>` : null}</span> <span class="rate">${executionRate === null ? '—' : `${executionRate}%`}</span><span class="muted"> / 序时进度 ${timeElapsed ?? '—'}%</span>${behind ? html`<span class="behind-tag">落后</span>` : null}</span>`;
}

/** The traffic lights of a project: how many indicators will / may / cannot meet their target. */
export function lights(l: { 确定能: number; 有可能: number; 不可能: number; 无: number }): Html {
  const light = (cls: string, n: number, label: string) =>
    html`<span class="light ${cls}${n === 0 ? ' zero' : ''}" data-count="${n}" title="${label}：${n}">${n}</span>`;
  return html`<span class="lights">${light('light-green', l.确定能, '确定能')}${light('light-amber', l.有可能, '有可能')}${light('light-red', l.不可能, '不可能')}${light('light-grey', l.无, '暂无判断')}</span>`;
}

export function num(n: number | null | undefined, unit = ''): string {
  if (n === null || n === undefined) return '—';
  return `${Math.round(n * 100) / 100}${unit}`;
}
