import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flush, ownersResolver, transition } from '@iw/alerts';
import { simpleParser } from 'mailparser';
import { mailDate, MailSendError, SmtpSender, SmtpSink } from '@iw/mail';
import type { MailMessage } from '@iw/mail';
import { evaluation, T0, alertUnit } from '../../../libs/alerts/test/fixtures';

/**
 * SmtpSender → SmtpSink over real SMTP on loopback: the Chinese mail arrives whole with its
 * Message-ID, and refusals are classified for the outbox. Needs no Kafka or MongoDB.
 */

const FROM = 'Indicator Watch <noreply@localhost>';

function message(overrides: Partial<MailMessage> = {}): MailMessage {
  return {
    messageId: '<iw.0123456789abcdef0123456789abcdef@localhost>',
    from: FROM,
    to: 'owner@x.cn',
    subject: '【绩效预警】食品药品安全监管 · 汽油抽检批次：有可能无法完成',
    text: '项目：食品药品安全监管\n指标值：≥700批次\n实际完成值：180批次',
    html: '<p>项目：食品药品安全监管</p><p>指标值：≥700批次</p>',
    ...overrides,
  };
}

describe('SMTP round trip', () => {
  let dir: string;
  let sink: SmtpSink;
  let sender: SmtpSender;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-sink-'));
    sink = new SmtpSink({ dir, maxMessageBytes: 64 * 1024 });
    await sink.start();
    sender = new SmtpSender({ url: sink.url, connectionTimeoutMs: 5000 });
  });

  afterAll(async () => {
    sender?.close();
    await sink?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    sink.setFailing(false);
    sink.clear();
  });

  it('delivers a Chinese mail with its Message-ID, and keeps an .eml', async () => {
    const sent = message();
    const result = await sender.send(sent);
    expect(result.accepted).toEqual(['owner@x.cn']);
    expect(result.response).toMatch(/^250/);
    const [got] = await sink.waitForMessages(1, 5000);
    expect(got).toMatchObject({
      messageId: sent.messageId,
      from: 'noreply@localhost',
      to: ['owner@x.cn'],
      subject: sent.subject,
      envelope: { mailFrom: 'noreply@localhost', rcptTo: ['owner@x.cn'] },
    });
    expect(got.text.trim()).toBe(sent.text);
    expect(got.html).toContain('指标值：≥700批次');
    expect(fs.readFileSync(got.file!, 'utf8')).toContain(`Message-ID: ${sent.messageId}`);
  });

  it('writes the Date header in the configured time zone, as a mail parser reads it', async () => {
    const sent = { ...message(), date: mailDate(Date.parse('2019-06-15T04:00:00Z'), 'Asia/Shanghai') };
    await sender.send(sent);
    const [got] = await sink.waitForMessages(1, 5000);
    const raw = fs.readFileSync(got.file!, 'utf8');
    expect(raw).toMatch(/^Date: Sat, 15 Jun 2019 12:00:00 \+0800\r?$/m);
    const parsed = await simpleParser(raw);
    expect(parsed.date?.toISOString()).toBe('2019-06-15T04:00:00.000Z');
  });

  it('accepts AUTH with any credentials', async () => {
    const authed = new SmtpSender({ url: sink.url.replace('smtp://', 'smtp://ops:s3cret@') });
    await authed.send(message());
    authed.close();
    const [got] = await sink.waitForMessages(1, 5000);
    expect(got.authUser).toBe('ops');
  });

  it('classifies a 451 refusal as transient, then delivers the same Message-ID once', async () => {
    sink.setFailing(true);
    const refused = await sender.send(message()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MailSendError);
    expect(refused).toMatchObject({ transient: true, responseCode: 451 });
    expect(sink.count).toBe(0);

    sink.setFailing(false);
    await sender.send(message());
    const got = await sink.waitForMessages(1, 5000);
    expect(got.map((m) => m.messageId)).toEqual([message().messageId]);
  });

  it('classifies a 550 refusal as permanent', async () => {
    sink.setFailing(true, 550, 'No such user');
    await expect(sender.send(message())).rejects.toMatchObject({ transient: false, responseCode: 550 });
  });

  it('refuses an oversized message with 552 (permanent)', async () => {
    await expect(sender.send(message({ html: `<p>${'很长'.repeat(40_000)}</p>` }))).rejects.toMatchObject({
      transient: false,
      responseCode: 552,
    });
    expect(sink.count).toBe(0);
  });

  it('classifies a server that is down as transient', async () => {
    const gone = new SmtpSink();
    await gone.start();
    const url = gone.url;
    await gone.stop();
    const down = new SmtpSender({ url, connectionTimeoutMs: 3000 });
    const err = await down.send(message()).catch((e: unknown) => e);
    down.close();
    expect(err).toMatchObject({ transient: true });
    expect((err as MailSendError).responseCode).toBeUndefined();
  });

  it('carries an alert digest from the pipeline to the mailbox intact', async () => {
    const unit = alertUnit({ projectName: '<script>alert(1)</script>市场监管' });
    const { alert, notices } = transition(null, evaluation('at_risk', { unit }), T0);
    const options = {
      resolveOwners: ownersResolver({ fallback: 'owner@x.cn' }),
      repeatIntervalMs: 0,
      groupWaitMs: 0,
      publicUrl: 'http://127.0.0.1:3000',
      timeZone: 'Asia/Shanghai',
      from: FROM,
    };
    const pending = notices.map((notice) => ({
      key: `k-${notice.version}`,
      recipient: 'owner@x.cn',
      notice,
      createdAt: notice.at,
    }));
    const [mail] = flush(pending, () => alert!, T0, options).mails;
    await sender.send(mail);
    const [got] = await sink.waitForMessages(1, 5000);
    expect(got.messageId).toBe(mail.messageId);
    expect(got.subject).toBe('【绩效预警】<script>alert(1)</script>市场监管 · 汽油抽检批次：有可能无法完成');
    expect(got.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;市场监管');
    expect(got.html).not.toContain('<script>');
    expect(got.text).toContain('完成目标可能性：有可能');
  });
});
