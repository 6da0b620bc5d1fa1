import { localDateTime } from '@iw/clock';
import { DLQ_REASON_CLASSES, type DlqReasonClass } from '@iw/events';
import type { DlqItem, DlqList, DlqQuery } from '../dtos/dlq.dto';
import { html, type Html } from './html';
import { page } from './layout';

/** The reason classes as the page names them. */
export const DLQ_REASON_LABELS: Record<DlqReasonClass, string> = {
  too_large: '消息过大',
  too_deep: '嵌套过深',
  invalid_utf8: '不是 UTF-8',
  not_json: '不是 JSON',
  unsafe: '含不安全的键',
  unsupported_version: '不支持的版本',
  schema: '字段不符合约定',
  negative_count: '数量或金额为负',
  unknown_indicator: '未知指标',
  unknown_project: '未知项目',
  out_of_period: '超出统计期间',
  future_event: '发生时间在未来',
  year_closed: '所属年度已关账',
  unbound: '没有绑定',
  incompatible: '与度量方式不符',
  conflicting_duplicate: '编号重复而内容不同',
  parked_full: '暂停计数已满',
  unknown_correction: '更正的事件不存在',
  already_corrected: '该事件已被更正',
  correction_too_old: '更正的事件已超出保留期',
};

const label = (c: string) => DLQ_REASON_LABELS[c as DlqReasonClass] ?? c;

function redriveCell(i: DlqItem, tz: string): Html {
  const from = i.redriveOf ? html`<div class="muted">重放自 ${i.redriveOf}</div>` : null;
  if (i.redrive?.state === 'published')
    return html`<span data-redrive="published">已重放 ${localDateTime(i.redrive.at, tz)}（${i.redrive.by}）</span>${from}`;
  if (i.redrive?.state === 'claimed')
    return html`<span data-redrive="claimed">重放中（第 ${i.redrive.attempt} 次，${i.redrive.by}）</span>${from}`;
  if (!i.redrivable) return html`<span data-redrive="no" class="muted">不可重放（未保存完整消息）</span>${from}`;
  return html`<span data-redrive="pending">未重放</span><div class="muted"><code>npx iw dlq redrive --ids ${i.id}</code></div>${from}`;
}

function pageHref(q: DlqQuery, pageNo: number): string {
  const p = new URLSearchParams();
  for (const k of ['reason', 'topic', 'since', 'state'] as const) if (q[k]) p.set(k, q[k]);
  p.set('page', String(pageNo));
  p.set('limit', String(q.limit));
  return `/dlq?${p.toString()}`;
}

/** The DLQ page: what was rejected, why, a preview (escaped: it is untrusted), and whether it was republished. */
export function dlqPage(list: DlqList, q: DlqQuery, timeZone: string): string {
  const first = (list.page - 1) * list.limit;
  const option = (value: string, text: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : null}>${text}</option>`;
  const filters = html`<form method="get" action="/dlq" class="filters">
<label>原因 <select name="reason">${option('', '全部', !q.reason)}${DLQ_REASON_CLASSES.map((c) => option(c, `${DLQ_REASON_LABELS[c]}（${c}）`, q.reason === c))}</select></label>
<label>重放 <select name="state">${option('', '全部', !q.state)}${option('pending', '未重放', q.state === 'pending')}${option('redriven', '已重放', q.state === 'redriven')}</select></label>
<button type="submit">筛选</button></form>`;
  const rows = list.items.map(
    (i) =>
      html`<tr data-id="${i.id}"><td>${localDateTime(i.at, timeZone)}</td><td><code>${i.id}</code></td><td data-reason="${i.reasonClass}">${label(i.reasonClass)}</td><td>${i.reason}</td><td>${i.key ?? '—'}</td><td><code class="preview">${i.preview.length > 200 ? `${i.preview.slice(0, 200)}…` : i.preview}</code></td><td>${redriveCell(i, timeZone)}</td></tr>`,
  );
  const nav = html`<p class="muted">第 ${list.total === 0 ? 0 : first + 1}–${first + list.items.length} 条，共 ${list.total} 条（最新在前）${
    list.page > 1 ? html` <a href="${pageHref(q, list.page - 1)}">上一页</a>` : null
  }${first + list.items.length < list.total ? html` <a href="${pageHref(q, list.page + 1)}">下一页</a>` : null}</p>`;
  return page(
    '死信（DLQ）',
    html`<h1>死信（DLQ）：被拒收的消息</h1>
<p class="muted">每条被拒收的消息都保留原始内容和原因。修正绑定、目录或时钟后，用 <code>npx iw dlq redrive</code> 重放（每条最多一次）。</p>
${filters}${nav}${
      list.items.length === 0
        ? html`<p class="muted">没有符合条件的记录。</p>`
        : html`<table class="dlq"><thead><tr><th>拒收时间</th><th>编号（主题:分区:偏移）</th><th>原因</th><th>说明</th><th>键</th><th>预览</th><th>重放</th></tr></thead><tbody>${rows}</tbody></table>`
    }`,
  );
}
