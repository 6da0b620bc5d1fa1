import { DAY, evaluation, MINUTE, T0 } from '../test/fixtures';
import { muteNotifications, muteReason } from './mute';
import type { MuteReason } from './mute';
import { acknowledge, silence, transition } from './state-machine';
import type { Alert, NoticeKind, Notification } from './types';

const open = () => transition(null, evaluation('at_risk'), T0).alert!;
const notification = (kind: NoticeKind): Notification => ({
  key: kind,
  recipient: 'a@x.cn',
  createdAt: new Date(T0).toISOString(),
  notice: { ...transition(null, evaluation('at_risk'), T0).notices[0], kind },
});

const alerts: Record<string, () => Alert> = {
  open,
  acknowledged: () => acknowledge(open(), T0 + MINUTE),
  silenced: () => silence(open(), T0 + DAY, T0 + MINUTE),
  'silence over': () => silence(open(), T0 + 2 * MINUTE, T0 + MINUTE),
  resolved: () => transition(open(), evaluation('on_track'), T0 + MINUTE).alert!,
  'resolved, silenced': () =>
    silence(transition(open(), evaluation('on_track'), T0 + MINUTE).alert!, T0 + DAY, T0 + MINUTE),
};

const now = T0 + 5 * MINUTE;

describe('muteReason', () => {
  it.each<[NoticeKind, string, MuteReason | null]>([
    ['opened', 'open', null],
    ['repeat', 'open', null],
    ['opened', 'acknowledged', 'acknowledged'],
    ['escalated', 'acknowledged', 'acknowledged'],
    ['repeat', 'acknowledged', 'acknowledged'],
    ['opened', 'silenced', 'silenced'],
    ['escalated', 'silenced', 'silenced'],
    ['repeat', 'silenced', 'silenced'],
    ['repeat', 'silence over', null],
    ['repeat', 'resolved', 'stale'],
    ['resolved', 'resolved', null],
    ['resolved', 'resolved, silenced', null],
    ['achieved', 'silenced', null],
    ['missed', 'silenced', null],
    ['missed', 'acknowledged', null],
  ])('%s notice, %s alert → %p', (kind, alert, want) => {
    expect(muteReason(notification(kind), alerts[alert](), now)).toBe(want);
  });

  it('passes a notice whose alert is unknown', () => {
    expect(muteReason(notification('opened'), undefined, now)).toBeNull();
  });
});

it('muteNotifications splits pass and muted', () => {
  const acked = alerts.acknowledged();
  const r = muteNotifications([notification('opened'), notification('missed')], () => acked, now);
  expect(r.pass.map((n) => n.key)).toEqual(['missed']);
  expect(r.muted).toEqual([{ notification: expect.objectContaining({ key: 'opened' }), reason: 'acknowledged' }]);
});
