import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toMail, type NoticeKind, type Notification, type AlertSeverity } from '@iw/alerts';
import { SmtpSender, SmtpSink } from '@iw/mail';
import { notificationOf } from '../../../alerts/test/fixtures';
import { memoryIo } from '../cli-io';
import { runCli } from '../main';

/**
 * `iw mail stats` on a folder of .eml files written the way `npm start` writes them: digests
 * rendered by the alert path's renderer, sent over SMTP by the sender alerting uses, stored by
 * the local catcher (SmtpSink with a folder).
 */

jest.setTimeout(30_000);

const OPTIONS = { publicUrl: 'http://127.0.0.1:3000', timeZone: 'Asia/Shanghai', from: 'Indicator Watch <iw@iw.test>' };
let dir: string;

type Spec = Array<[NoticeKind, AlertSeverity | null]>;

// a@: 2 change mails (one of them a digest with a reminder riding along), 1 reminder digest, 1 缺报提醒.
// office@: 1 escalation digest (预警未确认 ×2). b@: 1 change mail (resolved).
const MAILS: Array<[string, Spec]> = [
  ['a@x.cn', [['opened', 'at_risk']]],
  [
    'a@x.cn',
    [
      ['escalated', 'off_track'],
      ['repeat', 'at_risk'],
    ],
  ],
  [
    'a@x.cn',
    [
      ['repeat', 'at_risk'],
      ['repeat', 'off_track'],
      ['repeat', 'off_track'],
    ],
  ],
  ['a@x.cn', [['no_data', null]]],
  [
    'office@x.cn',
    [
      ['unacknowledged', 'off_track'],
      ['unacknowledged', 'at_risk'],
    ],
  ],
  ['b@x.cn', [['resolved', 'at_risk']]],
];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-mail-stats-'));
  const sink = new SmtpSink({ dir });
  await sink.start();
  const sender = new SmtpSender({ url: sink.url });
  try {
    for (const [m, [recipient, spec]] of MAILS.entries()) {
      const notifications: Notification[] = spec.map(([kind, severity], i) =>
        notificationOf(kind, m * 10 + i, severity, recipient),
      );
      const mail = toMail({ id: `d${m}`, recipient, notifications, createdAt: notifications[0].createdAt }, OPTIONS);
      await sender.send({ ...mail });
    }
  } finally {
    sender.close();
    await sink.stop();
  }
  fs.writeFileSync(path.join(dir, 'zz-other.eml'), 'From: x@y.cn\r\nTo: a@x.cn\r\nSubject: 会议\r\n\r\n会议通知\r\n');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a mail');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function iw(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['node', 'iw', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('iw mail stats', () => {
  it('counts each person’s mails by kind, and says what it did not count', async () => {
    const r = await iw('mail', 'stats', dir);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(`${dir}: 7 .eml file(s), 6 mail(s) to 3 person(s)`);
    expect(r.out).toContain('1 file(s) carry no notice and are not counted: zz-other.eml');
    const table = r.out.split('\n').filter((l) => l.startsWith('| '));
    expect(table).toEqual([
      '| person | mails | 变更 (change) | 每周提醒 (reminder) | 预警未确认 (escalation) | 缺报提醒 (no_data) | notices |',
      '| a@x.cn | 4 | 2 | 1 | 0 | 1 | 7 |',
      '| b@x.cn | 1 | 1 | 0 | 0 | 0 | 1 |',
      '| office@x.cn | 1 | 0 | 0 | 1 | 0 | 2 |',
      '| total | 6 | 3 | 1 | 1 | 1 | 10 |',
    ]);
  });

  it('prints JSON', async () => {
    const r = await iw('mail', 'stats', dir, '--json');
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.out);
    expect(stats.people.find((p: { person: string }) => p.person === 'a@x.cn')).toEqual({
      person: 'a@x.cn',
      mails: 4,
      kinds: { change: 2, reminder: 1, escalation: 0, no_data: 1 },
      notices: 7,
    });
  });

  it('a missing folder is a one-line error', async () => {
    const r = await iw('mail', 'stats', path.join(dir, 'none'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('none: cannot read (ENOENT)');
  });
});
