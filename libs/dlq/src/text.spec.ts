import { quoted } from './text';

describe('quoted', () => {
  it.each([
    ['plain', 'abc', '"abc"'],
    ['Chinese', '汽油', '"汽油"'],
    ['ANSI clear screen', '\u001b[2J', '"\\u001b[2J"'],
    ['forged log line', 'x\r\n[Nest] 1 - ERROR forged', '"x\\r\\n[Nest] 1 - ERROR forged"'],
    ['NUL', 'a\u0000b', '"a\\u0000b"'],
    ['C1 CSI', 'a\u009b2Jb', '"a\\u009b2Jb"'],
    ['DEL', 'a\u007f', '"a\\u007f"'],
    ['bidi override', 'a\u202eb', '"a\\u202eb"'],
    ['line separator', 'a\u2028b', '"a\\u2028b"'],
    ['quotes', 'say "hi"', '"say \\"hi\\""'],
  ])('%s', (_name, text, expected) => {
    expect(quoted(text)).toBe(expected);
  });

  it('cuts long text with an ellipsis', () => {
    expect(quoted('abcdef', 3)).toBe('"abc…"');
  });
});
