import { simpleParser } from 'mailparser';
import { encodedWords, foldHeader, mailboxes, writeMime, type MailMessage } from './mime';

const alert: MailMessage = {
  messageId: '<iw.0123abcd@localhost>',
  from: 'Indicator Watch <noreply@localhost>',
  to: 'owner@x.cn',
  subject: '【落后进度】市场监管局 · 商品质量抽检批次：按进度应完成 450 批次，实际完成 300 批次（全年目标 ≥700 批次）',
  text: '商品质量抽检批次\n实际完成值 300 批次\n按进度应完成 450 批次\n\n打开：http://127.0.0.1:8080/alerts/2019.x.y',
  html: '<p>商品质量抽检批次</p>\n<p><a href="http://127.0.0.1:8080/alerts/2019.x.y">打开</a></p>',
  date: 'Thu, 15 Aug 2019 12:00:00 +0800',
};

/** The header block of a written mail, as text. */
const headerOf = (raw: Buffer) => raw.toString('utf8').split('\r\n\r\n')[0];

describe('writeMime', () => {
  it('writes a mail a real parser reads back whole (subject, addresses, text, HTML, date, Message-ID)', async () => {
    const { raw, envelope } = writeMime(alert, { boundary: 'b-1' });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(alert.subject);
    expect(parsed.messageId).toBe(alert.messageId);
    expect(parsed.from?.value).toEqual([{ name: 'Indicator Watch', address: 'noreply@localhost' }]);
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value).toEqual([{ name: '', address: 'owner@x.cn' }]);
    expect(parsed.text?.replace(/\r\n/g, '\n').trimEnd()).toBe(alert.text);
    expect(typeof parsed.html === 'string' && parsed.html.replace(/\r\n/g, '\n').trimEnd()).toBe(alert.html);
    expect(parsed.date?.toISOString()).toBe('2019-08-15T04:00:00.000Z');
    expect(envelope).toEqual({ from: 'noreply@localhost', to: ['owner@x.cn'] });
  });

  it('keeps every line ASCII, CRLF-ended and at most 76 characters but for single words', () => {
    const { raw } = writeMime(
      { ...alert, from: '"绩效 办公室" <perf@x.cn>', to: ['张三 <zhang@x.cn>', 'li@x.cn'] },
      { boundary: 'b-1' },
    );
    const text = raw.toString('latin1');
    expect(text).toMatch(/^[\x20-\x7e\r\n]*$/);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  });

  it('threads a follow-up: In-Reply-To and References, folded when long', async () => {
    const references = Array.from({ length: 6 }, (_, i) => `<iw.thread-${i}.0123456789abcdef@localhost>`);
    const { raw } = writeMime({ ...alert, inReplyTo: references[0], references });
    expect(
      headerOf(raw)
        .split('\r\n')
        .some((l) => l.startsWith(' <iw.thread-')),
    ).toBe(true);
    const parsed = await simpleParser(raw);
    expect(parsed.inReplyTo).toBe(references[0]);
    expect(parsed.references).toEqual(references);
  });

  it('writes names that need it quoted or encoded, and several recipients', async () => {
    const { raw, envelope } = writeMime({
      ...alert,
      from: '绩效运行监控 <perf@x.cn>',
      to: ['"Li, Si" <li@x.cn>', '张三 <zhang@x.cn>', 'wang@x.cn'],
    });
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value).toEqual([{ name: '绩效运行监控', address: 'perf@x.cn' }]);
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value).toEqual([
      { name: 'Li, Si', address: 'li@x.cn' },
      { name: '张三', address: 'zhang@x.cn' },
      { name: '', address: 'wang@x.cn' },
    ]);
    expect(envelope).toEqual({ from: 'perf@x.cn', to: ['li@x.cn', 'zhang@x.cn', 'wang@x.cn'] });
  });

  it.each([
    ['a short ASCII subject', 'Indicator Watch: weekly digest', 'Subject: Indicator Watch: weekly digest'],
    ['an ASCII subject that looks like an encoded word', 'see =?UTF-8?B?eA==?=', 'Subject: =?UTF-8?B?'],
  ])('writes %s as it should', async (_, subject, starts) => {
    const { raw } = writeMime({ ...alert, subject });
    expect(headerOf(raw)).toContain(starts);
    expect((await simpleParser(raw)).subject).toBe(subject);
  });

  it('sends ASCII bodies as 7bit and the rest as base64, and stamps a Date when none is given', async () => {
    const { raw } = writeMime(
      { ...alert, text: 'all ascii\nsecond line', date: undefined },
      { now: Date.UTC(2026, 11, 7) },
    );
    const text = raw.toString('utf8');
    expect(text).toContain('Content-Transfer-Encoding: 7bit\r\n\r\nall ascii\r\nsecond line\r\n');
    expect(text).toContain('Content-Transfer-Encoding: base64');
    expect(text).toContain('Date: Mon, 7 Dec 2026 00:00:00 +0000');
    expect((await simpleParser(raw)).text?.trimEnd()).toBe('all ascii\nsecond line');
  });

  it('puts the domain of an internationalised address in punycode', () => {
    expect(writeMime({ ...alert, to: '王 <wang@例子.中国>' }).envelope.to).toEqual(['wang@xn--fsqu00a.xn--fiqs8s']);
  });

  it('refuses a From of several addresses', () => {
    expect(() => writeMime({ ...alert, from: 'a@x.cn, b@x.cn' })).toThrow(/From must be one address/);
  });
});

describe('encodedWords', () => {
  it.each([
    ['', ['']],
    ['abc', ['abc']],
    ['一'.repeat(15), ['一'.repeat(15)]],
    ['一'.repeat(16), ['一'.repeat(15), '一']],
    ['😀'.repeat(12), ['😀'.repeat(11), '😀']],
  ])('cuts %j between characters, at most 45 bytes a word', (value, chunks) => {
    const words = encodedWords(value).split(' ');
    expect(words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8'))).toEqual(chunks);
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
  });
});

describe('foldHeader', () => {
  it.each([
    ['Subject: short', 'Subject: short'],
    [`Subject: ${'word '.repeat(20).trim()}`, `Subject: ${'word '.repeat(13).trim()}\r\n ${'word '.repeat(7).trim()}`],
    [`References: <${'x'.repeat(90)}@h>`, `References:\r\n <${'x'.repeat(90)}@h>`],
  ])('folds %j', (line, folded) => {
    expect(foldHeader(line)).toBe(folded);
    expect(foldHeader(line).replace(/\r\n/g, '')).toBe(line);
  });
});

describe('mailboxes', () => {
  it('flattens groups and skips empty entries', () => {
    expect(mailboxes('team: a@x.cn, B <b@x.cn>;, c@x.cn')).toEqual([
      { name: '', address: 'a@x.cn' },
      { name: 'B', address: 'b@x.cn' },
      { name: '', address: 'c@x.cn' },
    ]);
  });
});
