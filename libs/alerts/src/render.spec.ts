import type { Status } from '@iw/risk';
import { DAY, evaluation, T0, alertUnit } from '../test/fixtures';
import { dashboardLink, escapeHtml, renderDigest, renderSubject, singleLine } from './render';
import { dueRepeats, transition } from './state-machine';
import type { Alert, Digest, Notice, UnitEvaluation } from './types';

const OPTIONS = { publicUrl: 'http://127.0.0.1:3000/', timeZone: 'Asia/Shanghai' };

/** Notices of one unit walking through the given statuses; returns them all. */
function walk(statuses: Status[], overrides: Partial<UnitEvaluation> = {}): Notice[] {
  let alert: Alert | null = null;
  const out: Notice[] = [];
  statuses.forEach((status, i) => {
    const t = transition(alert, evaluation(status, overrides), T0 + i * DAY);
    alert = t.alert;
    out.push(...t.notices);
  });
  return out;
}

function digest(notices: Notice[]): Digest {
  return {
    id: 'd1',
    recipient: 'a@x.cn',
    createdAt: new Date(T0).toISOString(),
    notifications: notices.map((notice, i) => ({ key: `k${i}`, recipient: 'a@x.cn', notice, createdAt: notice.at })),
  };
}

const unitB = alertUnit({
  id: 'p.b',
  indicatorId: 'p.b',
  indicatorName: '案件办结率',
  targetText: '≥90%',
  unit: '%',
});

describe('renderSubject', () => {
  const repeat = () => {
    const opened = transition(null, evaluation('at_risk'), T0).alert!;
    return dueRepeats(opened, T0 + 7 * DAY, 7 * DAY).notices;
  };
  it.each<[string, () => Notice[], string]>([
    ['opened at_risk', () => walk(['at_risk']), '【绩效预警】食品药品安全监管 · 汽油抽检批次：有可能无法完成'],
    ['opened off_track', () => walk(['off_track']), '【绩效预警】食品药品安全监管 · 汽油抽检批次：不可能完成'],
    [
      'escalated',
      () => walk(['at_risk', 'off_track']).slice(1),
      '【绩效预警】食品药品安全监管 · 汽油抽检批次：风险升级，不可能完成',
    ],
    ['repeat', repeat, '【绩效预警】食品药品安全监管 · 汽油抽检批次：有可能无法完成（第 1 次提醒）'],
    [
      'resolved',
      () => walk(['at_risk', 'on_track']).slice(1),
      '【绩效恢复】食品药品安全监管 · 汽油抽检批次：已恢复正常',
    ],
    [
      'achieved',
      () => walk(['at_risk', 'achieved']).slice(1),
      '【目标达成】食品药品安全监管 · 汽油抽检批次：目标已达成',
    ],
    ['missed', () => walk(['missed']), '【目标未完成】食品药品安全监管 · 汽油抽检批次：目标未完成'],
    [
      'one alert, two notices: the latest speaks',
      () => walk(['at_risk', 'on_track']),
      '【绩效恢复】食品药品安全监管 · 汽油抽检批次：已恢复正常',
    ],
    [
      'a compound part',
      () => walk(['at_risk'], { unit: alertUnit({ id: 'x~县道', partLabel: '县道' }) }),
      '【绩效预警】食品药品安全监管 · 汽油抽检批次（县道）：有可能无法完成',
    ],
    [
      'two alerts, one firing',
      () => [...walk(['at_risk']), ...walk(['at_risk', 'on_track'], { unit: unitB }).slice(1)],
      '【绩效预警】2 项指标需要关注',
    ],
    [
      'two alerts resolved',
      () => [...walk(['at_risk', 'on_track']).slice(1), ...walk(['at_risk', 'on_track'], { unit: unitB }).slice(1)],
      '【绩效恢复】2 项指标已恢复正常',
    ],
    [
      'two alerts missed',
      () => [...walk(['missed']), ...walk(['missed'], { unit: unitB })],
      '【目标未完成】2 项指标目标未完成',
    ],
    [
      'mixed endings',
      () => [...walk(['missed']), ...walk(['at_risk', 'achieved'], { unit: unitB }).slice(1)],
      '【绩效通知】2 项指标状态更新',
    ],
  ])('%s', (_, notices, want) => {
    expect(renderSubject(notices())).toBe(want);
  });

  it.each([
    ['CR/LF', '食品\r\nBcc: evil@y.cn'],
    ['LF', '食品\nBcc: evil@y.cn'],
    ['U+2028', '食品\u2028Bcc: evil@y.cn'],
    ['NUL and TAB', '食品\u0000\tBcc: evil@y.cn'],
  ])('strips %s from names in the subject', (_, projectName) => {
    const subject = renderSubject(walk(['at_risk'], { unit: alertUnit({ projectName }) }));
    expect(subject).not.toMatch(/[\r\n\u0000\t\u2028]/);
    expect(subject).toBe('【绩效预警】食品 Bcc: evil@y.cn · 汽油抽检批次：有可能无法完成');
  });

  it('shortens a very long name', () => {
    const subject = renderSubject(walk(['at_risk'], { unit: alertUnit({ projectName: '很'.repeat(200) }) }));
    expect(subject.length).toBeLessThan(100);
    expect(subject).toContain('…');
  });

  it('refuses an empty digest', () => expect(() => renderSubject([])).toThrow(/empty/));
});

describe('renderDigest', () => {
  const mail = renderDigest(digest(walk(['at_risk'])), OPTIONS);

  it.each([
    ['project', '项目：食品药品安全监管'],
    ['indicator', '指标：汽油抽检批次'],
    ['指标值', '指标值：≥700批次'],
    ['实际完成值', '实际完成值：180批次'],
    ['expected by today', '按进度应完成：196批次'],
    ['全年预计', '全年预计完成：640批次'],
    ['deadline and days left', '完成时限：2019-12-31（剩余 263 天）'],
    ['完成目标可能性', '完成目标可能性：有可能'],
    ['reason', '原因：进度落后：应完成 196 批次，实际 180 批次'],
    ['time in IW_TIMEZONE', '时间：2019-04-12 10:30'],
    ['alert id for ack', '告警编号：2019.食品药品安全监管.汽油抽检批次'],
    [
      'dashboard link',
      `详情：http://127.0.0.1:3000/indicators/${encodeURIComponent('2019.食品药品安全监管.汽油抽检批次')}`,
    ],
  ])('text has the %s', (_, line) => {
    expect(mail.text.split('\n')).toContain(line);
  });

  it.each([
    '食品药品安全监管',
    '≥700批次',
    '180批次',
    '196批次',
    '640批次',
    '2019-12-31（剩余 263 天）',
    '有可能',
    '查看详情',
  ])('html has %s', (value) => expect(mail.html).toContain(value));

  it('names the pace 按进度应完成 follows, when the unit has one', () => {
    const paced = renderDigest(digest(walk(['at_risk'], { unit: alertUnit({ pace: '按月进度「季节性」' }) })), OPTIONS);
    expect(paced.text.split('\n')).toContain('进度基准：按月进度「季节性」');
    expect(paced.html).toContain('按月进度「季节性」');
    expect(mail.text).not.toContain('进度基准');
  });

  it('links the dashboard in html', () => {
    expect(mail.html).toContain(
      `<a href="http://127.0.0.1:3000/indicators/${encodeURIComponent('2019.食品药品安全监管.汽油抽检批次')}">`,
    );
  });

  it.each<[Partial<UnitEvaluation>, string]>([
    [{ daysLeft: 0 }, '完成时限：2019-12-31（今天到期）'],
    [{ daysLeft: -3 }, '完成时限：2019-12-31（已逾期 3 天）'],
    [{ deadline: null, daysLeft: null }, '完成时限：—'],
    [{ actual: null, forecast: null }, '实际完成值：—'],
    [{ actual: 1234567.891 }, '实际完成值：1,234,567.89批次'],
    [{ likelihood: null }, '完成目标可能性：—'],
  ])('text shows %o as %p', (overrides, line) => {
    const text = renderDigest(digest(walk(['at_risk'], overrides)), OPTIONS).text;
    expect(text.split('\n')).toContain(line);
  });

  describe('escaping names from uploaded tables', () => {
    const evil = alertUnit({
      id: '2019.x.<script>',
      indicatorId: '2019.x.<script>',
      projectName: '<script>alert("p")</script>',
      indicatorName: '<img src=x onerror=alert(1)>',
      targetText: '≥"90"&<b>%',
    });
    const out = renderDigest(
      digest(walk(['at_risk'], { unit: evil, reason: "<a href='javascript:x'>看</a>" })),
      OPTIONS,
    );

    it('renders <script> as text in html', () => {
      expect(out.html).not.toMatch(/<script|<img|<b>|<a href='/);
      expect(out.html).toContain('&lt;script&gt;alert(&quot;p&quot;)&lt;/script&gt;');
      expect(out.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(out.html).toContain('≥&quot;90&quot;&amp;&lt;b&gt;%');
      expect(out.html).toContain('&lt;a href=&#39;javascript:x&#39;&gt;');
    });

    it('encodes the id in the link', () => {
      expect(out.html).toContain('/indicators/2019.x.%3Cscript%3E"');
    });

    it('keeps the plain text readable', () => {
      expect(out.text).toContain('项目：<script>alert("p")</script>');
    });
  });

  it('numbers the blocks of a digest of several notices', () => {
    const several = renderDigest(digest([...walk(['at_risk']), ...walk(['off_track'], { unit: unitB })]), OPTIONS);
    expect(several.subject).toBe('【绩效预警】2 项指标需要关注');
    expect(several.text).toContain('1. 【绩效预警】有可能无法完成');
    expect(several.text).toContain('2. 【绩效预警】不可能完成');
    expect(several.text).toContain('指标值：≥90%');
    expect(several.html.match(/<table/g)).toHaveLength(2);
  });
});

describe('renderDigest with personal links', () => {
  const calls: Array<[string, string]> = [];
  const personalLink = (recipient: string, path: string) => {
    calls.push([recipient, path]);
    return recipient === 'nobody@x.cn'
      ? null
      : `https://iw.example/signin/TOKEN-${recipient}?next=${encodeURIComponent(path)}`;
  };
  const id = encodeURIComponent('2019.食品药品安全监管.汽油抽检批次');

  it('puts the recipient’s link in place of the bare URL, and a 确认告警 link to a page (never an action)', () => {
    calls.length = 0;
    const out = renderDigest(digest(walk(['at_risk'])), { ...OPTIONS, personalLink });
    const lines = out.text.split('\n');
    expect(lines).toContain(
      `详情：https://iw.example/signin/TOKEN-a@x.cn?next=${encodeURIComponent(`/indicators/${id}`)}`,
    );
    expect(lines).toContain(
      `确认告警：https://iw.example/signin/TOKEN-a@x.cn?next=${encodeURIComponent(`/alerts/${id}`)}`,
    );
    expect(out.text).not.toContain('http://127.0.0.1:3000');
    expect(out.text).toContain('请勿转发');
    expect(calls.every(([r]) => r === 'a@x.cn')).toBe(true);
    expect(out.html).toContain('>确认告警</a>');
    expect(out.html).toContain(
      `href="https://iw.example/signin/TOKEN-a@x.cn?next=${encodeURIComponent(`/indicators/${id}`)}"`,
    );
  });

  it('gives a notice that ends an episode no 确认告警 link', () => {
    const out = renderDigest(digest(walk(['at_risk', 'on_track']).slice(1)), { ...OPTIONS, personalLink });
    expect(out.text).toContain('详情：https://iw.example/signin/');
    expect(out.text).not.toContain('确认告警：');
  });

  it('falls back to the bare URL when a recipient gets no link', () => {
    const d = digest(walk(['at_risk']));
    const out = renderDigest({ ...d, recipient: 'nobody@x.cn' }, { ...OPTIONS, personalLink });
    expect(out.text.split('\n')).toContain(`详情：http://127.0.0.1:3000/indicators/${id}`);
    expect(out.text).not.toContain('确认告警：');
    expect(out.text).toContain('npx iw alerts ack');
  });
});

describe('helpers', () => {
  it.each<[string, string | null]>([
    ['http://a.cn', 'http://a.cn/indicators/i%2Fd'],
    ['https://a.cn/iw///', 'https://a.cn/iw/indicators/i%2Fd'],
    ['javascript:alert(1)', null],
    ['ftp://a.cn', null],
  ])('dashboardLink(%p)', (base, want) => expect(dashboardLink(base, 'i/d')).toBe(want));

  it('singleLine and escapeHtml', () => {
    expect(singleLine(' a\r\n\tb  c ')).toBe('a b c');
    expect(singleLine('abcdef', 4)).toBe('abc…');
    expect(escapeHtml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
  });
});
