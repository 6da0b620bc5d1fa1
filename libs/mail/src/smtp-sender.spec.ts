import type { MailMessage } from './mime';
import { SmtpSender, validateMessage } from './smtp-sender';

const good: MailMessage = {
  messageId: '<iw.0123abcd@localhost>',
  from: 'Indicator Watch <noreply@localhost>',
  to: 'owner@x.cn',
  subject: '【绩效预警】项目 · 指标：有可能无法完成',
  text: '正文\r\n第二行',
  html: '<p>正文</p>',
};

describe('validateMessage', () => {
  it('accepts a good message (line breaks in the body are fine)', () => {
    expect(() => validateMessage(good)).not.toThrow();
  });

  it.each<[string, Partial<MailMessage>]>([
    ['CR/LF in the subject', { subject: '预警\r\nBcc: evil@y.cn' }],
    ['LF in the subject', { subject: '预警\nBcc: evil@y.cn' }],
    ['CR/LF in To', { to: 'owner@x.cn\r\nBcc: evil@y.cn' }],
    ['CR/LF in one of several To', { to: ['a@x.cn', 'b@x.cn\nBcc: evil@y.cn'] }],
    ['no recipient', { to: [] }],
    ['To without @', { to: 'owner' }],
    ['CR/LF in From', { from: 'a@x.cn\r\nBcc: evil@y.cn' }],
    ['Message-ID without brackets', { messageId: 'iw.1@localhost' }],
    ['Message-ID with a line break', { messageId: '<iw.1@localhost>\r\nBcc: x' }],
    ['Message-ID with a space', { messageId: '<iw 1@localhost>' }],
  ])('refuses %s as permanent', (_, patch) => {
    expect(() => validateMessage({ ...good, ...patch })).toThrow(
      expect.objectContaining({ code: 'EINVALID', transient: false }),
    );
  });
});

describe('SmtpSender', () => {
  it('describes its server without the password', () => {
    const sender = new SmtpSender({ url: 'smtp://ops:s3cret@mail.example:587' });
    expect(sender.describe()).toBe('smtp://ops:***@mail.example:587');
    expect(JSON.stringify(sender.describe())).not.toContain('s3cret');
    sender.close();
  });

  it('refuses an injected header before connecting anywhere', async () => {
    // Port 9 (discard) on a TEST-NET address: were it to connect, the test would time out, not pass.
    const sender = new SmtpSender({ url: 'smtp://192.0.2.1:9', connectionTimeoutMs: 60_000 });
    await expect(sender.send({ ...good, subject: 'a\r\nBcc: evil@y.cn' })).rejects.toMatchObject({
      code: 'EINVALID',
      transient: false,
    });
    sender.close();
  });
});
