import { escapeHtml, html, raw } from './html';

describe('html', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`" onmouseover='x'`, '&quot; onmouseover=&#39;x&#39;'],
    ['a & b', 'a &amp; b'],
    ['抽检`批次`', '抽检&#96;批次&#96;'],
  ])('escapes %s', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
    expect(html`<td title="${input}">${input}</td>`.value).toBe(`<td title="${expected}">${expected}</td>`);
  });

  it('keeps nested templates and raw markup, escapes arrays item by item, drops null/false', () => {
    const items = ['<b>', 'ok'];
    expect(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${null}${false}${raw('<hr>')}${0}`.value).toBe(
      '<ul><li>&lt;b&gt;</li><li>ok</li></ul><hr>0',
    );
  });
});
