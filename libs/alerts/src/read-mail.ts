import { noticePhrase, PREFIX } from './render';
import type { AlertSeverity, NoticeKind } from './types';

/**
 * The inverse of the render stage, for counting what was mailed (`iw mail stats`): the notices
 * a rendered mail's plain-text part tells, by kind, and what kind of mail that makes. Only the
 * words render.ts writes are recognised, so the two stay one vocabulary (tested round trip).
 */

/** What a mail is, for a person: a change told at once, the weekly reminder digest, an escalation to the office people, a 缺报提醒. */
export type MailKind = 'change' | 'reminder' | 'escalation' | 'no_data';
export const MAIL_KINDS: readonly MailKind[] = ['change', 'reminder', 'escalation', 'no_data'];

const SEVERITIES: readonly AlertSeverity[] = ['at_risk', 'off_track'];
const CHANGE_KINDS: readonly NoticeKind[] = ['opened', 'escalated', 'resolved', 'achieved', 'missed'];

/** The kind of a notice from its head line (`【绩效预警】风险升级，不可能完成`, with or without `2. `), or null. */
export function noticeKindOfHead(head: string): NoticeKind | null {
  const h = head.replace(/^\d+\. /, '');
  for (const kind of Object.keys(PREFIX) as NoticeKind[]) {
    if (!h.startsWith(PREFIX[kind])) continue;
    const phrase = h.slice(PREFIX[kind].length);
    switch (kind) {
      case 'repeat':
        if (/（第 \d+ 次提醒）$/.test(phrase)) return kind;
        break;
      case 'opened':
      case 'escalated':
      case 'unacknowledged':
        if (SEVERITIES.some((severity) => phrase === noticePhrase({ kind, severity }))) return kind;
        break;
      default:
        if (phrase === noticePhrase({ kind, severity: null })) return kind;
    }
  }
  return null;
}

/** The notices of a mail's plain-text part, by kind, in the order they stand (blocks ending in a 告警编号 line). */
export function noticeKindsOfMail(text: string): NoticeKind[] {
  const body = text.replace(/\r\n/g, '\n').split('\n——\n')[0];
  return body
    .split(/\n\n+/)
    .filter((block) => /\n告警编号：/.test(block))
    .map((block) => noticeKindOfHead(block.split('\n')[0]))
    .filter((k): k is NoticeKind => k !== null);
}

/**
 * What kind of mail its notices make: any change (new alert, escalation, resolution, achieved,
 * missed) makes a change mail; else an escalation to the office people; else a 缺报提醒; else
 * (reminders only) the weekly reminder digest. Null for a mail with no notice (not ours).
 */
export function mailKindOf(kinds: readonly NoticeKind[]): MailKind | null {
  if (kinds.length === 0) return null;
  if (kinds.some((k) => CHANGE_KINDS.includes(k))) return 'change';
  if (kinds.includes('unacknowledged')) return 'escalation';
  if (kinds.includes('no_data')) return 'no_data';
  return 'reminder';
}
