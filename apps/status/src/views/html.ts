/**
 * HTML by tagged template: every interpolated value is escaped unless it is already Html
 * (built by `html` itself, or `raw` for markup this code wrote). Names come from uploaded
 * tables, so nothing reaches the page unescaped by default.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Markup this code wrote itself (never data). */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** A value for a URL path segment inside an attribute (escaped again by `html`). */
export function pathSegment(s: string): string {
  return encodeURIComponent(s);
}
