import { notificationOf, T0 } from '../test/fixtures';
import { mailKindOf, noticeKindOfHead, noticeKindsOfMail } from './read-mail';
import { renderDigest } from './render';
import type { AlertSeverity, NoticeKind, Notification } from './types';

const OPTIONS = { publicUrl: 'http://127.0.0.1:3000', timeZone: 'Asia/Shanghai' };

const notice = notificationOf;

function textOf(notifications: Notification[]): string {
  return renderDigest({ id: 'd', recipient: 'a@x.cn', notifications, createdAt: new Date(T0).toISOString() }, OPTIONS)
    .text;
}

const ALL: Array<[NoticeKind, AlertSeverity | null]> = [
  ['opened', 'at_risk'],
  ['opened', 'off_track'],
  ['escalated', 'off_track'],
  ['repeat', 'at_risk'],
  ['repeat', 'off_track'],
  ['unacknowledged', 'off_track'],
  ['no_data', null],
  ['resolved', 'at_risk'],
  ['achieved', 'at_risk'],
  ['missed', 'off_track'],
];

describe('reading a rendered mail back', () => {
  it.each(ALL)('a mail of one %s notice (%s) reads as that kind', (kind, severity) => {
    expect(noticeKindsOfMail(textOf([notice(kind, 1, severity)]))).toEqual([kind]);
  });

  it('a digest reads as its notices in order, CRLF or not', () => {
    const text = textOf(ALL.map(([kind, severity], i) => notice(kind, i, severity)));
    expect(noticeKindsOfMail(text)).toEqual(ALL.map(([kind]) => kind));
    expect(noticeKindsOfMail(text.replace(/\n/g, '\r\n'))).toEqual(ALL.map(([kind]) => kind));
  });

  it.each([
    ['【绩效预警】有可能无法完成', 'opened'],
    ['2. 【绩效预警】风险升级，不可能完成', 'escalated'],
    ['【绩效预警】不可能完成（第 12 次提醒）', 'repeat'],
    ['【预警未确认】有可能无法完成，告警未获确认，请督办', 'unacknowledged'],
    ['【绩效预警】有点问题', null],
    ['项目：某项目', null],
  ])('%s → %s', (head, kind) => {
    expect(noticeKindOfHead(head)).toBe(kind);
  });

  it('a mail that is no notice reads as nothing', () => {
    expect(noticeKindsOfMail('您好：\n\n会议通知\n')).toEqual([]);
  });
});

describe('mailKindOf', () => {
  it.each<[NoticeKind[], string | null]>([
    [['opened'], 'change'],
    [['repeat', 'repeat'], 'reminder'],
    [['repeat', 'resolved'], 'change'],
    [['unacknowledged', 'unacknowledged'], 'escalation'],
    [['unacknowledged', 'repeat'], 'escalation'],
    [['no_data'], 'no_data'],
    [['no_data', 'repeat'], 'no_data'],
    [['missed', 'no_data'], 'change'],
    [[], null],
  ])('%j → %s', (kinds, kind) => {
    expect(mailKindOf(kinds)).toBe(kind);
  });
});
