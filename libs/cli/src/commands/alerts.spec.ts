import type { Alert } from '@iw/alerts';
import { formatAlerts } from './alerts';

const alert = (overrides: Partial<Alert>): Alert => ({
  id: '2019.抽检.汽油抽检批次',
  unit: {
    id: '2019.抽检.汽油抽检批次',
    indicatorId: '2019.抽检.汽油抽检批次',
    projectId: '2019.抽检',
    projectName: '抽检',
    indicatorName: '汽油抽检批次',
    targetText: '≥700批次',
    unit: '批次',
  },
  state: 'open',
  severity: 'at_risk',
  version: 1,
  openedAt: '2019-06-15T04:00:00.000Z',
  updatedAt: '2019-06-15T04:00:00.000Z',
  endedAt: null,
  lastNotifiedAt: '2019-06-15T04:00:00.000Z',
  repeatCount: 0,
  acknowledgedAt: null,
  acknowledgedBy: null,
  silencedUntil: null,
  silencedBy: null,
  status: 'at_risk',
  last: {
    status: 'at_risk',
    likelihood: '有可能',
    actual: 100,
    expected: 318,
    forecast: 220,
    reason: '进度落后',
    daysLeft: 199,
    deadline: '2019-12-31',
  },
  history: [],
  ...overrides,
});

describe('formatAlerts', () => {
  it('prints one aligned row per alert with its ack, silence and repeats, in local time', () => {
    const text = formatAlerts(
      [
        alert({}),
        alert({
          id: 'b',
          severity: 'off_track',
          status: 'off_track',
          acknowledgedAt: '2019-06-16T01:00:00.000Z',
          repeatCount: 2,
        }),
        alert({ id: 'c', state: 'resolved', status: 'on_track', silencedUntil: '2019-07-31T16:00:00.000Z' }),
      ],
      'Asia/Shanghai',
    );
    expect(text.split('\n')).toEqual([
      'ALERT                   STATE     SEVERITY   STATUS     OPENED            NOTES',
      '2019.抽检.汽油抽检批次  open      at_risk    at_risk    2019-06-15 12:00',
      'b                       open      off_track  off_track  2019-06-15 12:00  acknowledged 2019-06-16 09:00, 2 repeat(s)',
      'c                       resolved  at_risk    on_track   2019-06-15 12:00  silenced until 2019-08-01 00:00',
      '',
    ]);
  });

  it('says so when there are none', () => {
    expect(formatAlerts([], 'Asia/Shanghai')).toBe('no alerts\n');
  });
});
