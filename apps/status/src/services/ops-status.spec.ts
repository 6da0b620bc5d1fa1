import type { ServiceStatsDoc } from '@iw/mongo';
import { emptyStatusCounts } from '../dtos/common.dto';
import type { OpsStatus } from '../dtos/status.dto';
import * as vm from 'node:vm';
import { DASHBOARD_JS } from '../views/dashboard-script';
import { pipelineHealth, snapshotText } from '../views/pages';
import { MetricsService } from './metrics.service';
import { localDateTime } from '@iw/clock';
import { topicFigures, type OpsStatusService } from './ops-status.service';

const T = Date.parse('2019-07-01T04:00:00Z');

function instance(id: string, topics: ServiceStatsDoc['topics']): ServiceStatsDoc {
  return {
    _id: id,
    service: 'ingest',
    instance: id,
    version: '1',
    startedAt: new Date(T),
    updatedAt: new Date(T),
    topics,
    rate1m: 1,
    rate5m: 1,
  };
}

describe('topicFigures', () => {
  const topic = (name: string, events: number, last: number | null, rates?: [number, number]) => ({
    topic: name,
    events,
    applied: events,
    duplicates: 1,
    rejected: 2,
    lastEventAt: last === null ? null : new Date(last),
    ...(rates ? { rate1m: rates[0], rate5m: rates[1] } : {}),
  });

  it('sums counters over instances and keeps the latest event time', () => {
    const [a, b] = topicFigures(
      [instance('a', [topic('t1', 10, T), topic('t2', 1, null)]), instance('b', [topic('t1', 5, T + 5000)])],
      ['t1', 't2', 't3'],
    );
    expect(a).toEqual({
      topic: 't1',
      events: 15,
      rejected: 4,
      duplicates: 2,
      rate1m: null,
      rate5m: null,
      lastEventAt: new Date(T + 5000).toISOString(),
    });
    expect(b).toMatchObject({ topic: 't2', events: 1, lastEventAt: null });
  });

  it.each<[string, Array<[number, number] | undefined>, number | null]>([
    [
      'every instance reports per-topic rates',
      [
        [1.5, 1],
        [2, 0.5],
      ],
      3.5,
    ],
    ['one does not', [[1.5, 1], undefined], null],
  ])('rates per topic only when %s', (_, rates, sum1m) => {
    const [t] = topicFigures(
      rates.map((r, i) => instance(`i${i}`, [topic('t1', 1, T, r)])),
      ['t1'],
    );
    expect(t.rate1m).toBe(sum1m);
  });

  it('counts a topic no live instance reported as zero', () => {
    expect(topicFigures([], ['t'])).toEqual([
      { topic: 't', events: 0, rejected: 0, duplicates: 0, rate1m: null, rate5m: null, lastEventAt: null },
    ]);
  });
});

describe('localDateTime', () => {
  it.each([
    ['Asia/Shanghai', '2019-07-01 12:00'],
    ['UTC', '2019-07-01 04:00'],
    ['America/New_York', '2019-07-01 00:00'],
  ])('%s → %s', (tz, text) => {
    expect(localDateTime(T, tz)).toBe(text);
  });
});

describe('MetricsService', () => {
  const status = (over: Partial<OpsStatus> = {}): OpsStatus => ({
    status: { service: 'status', version: '1', startedAt: '', uptimeSeconds: 5, node: 'n' },
    clock: { now: '', local: '', kind: 'fixed', speed: 1, timeZone: 'UTC' },
    consumers: [
      {
        role: 'ingest',
        group: 'g',
        topics: ['t'],
        partitions: [{ topic: 't', partition: 0, committed: null, end: '7', lag: 7 }],
        totalLag: 7,
        error: null,
      },
      { role: 'alerting', group: 'a', topics: ['p'], partitions: [], totalLag: null, error: 'Kafka is not reachable' },
    ],
    watermarks: [
      {
        topic: 't',
        role: 'cases',
        watermark: '2019-06-28T04:00:00.000Z',
        local: '2019-06-28 12:00',
        lagSeconds: 3 * 86_400,
        partitions: [{ partition: 0, watermark: '2019-06-28T04:00:00.000Z' }],
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
      {
        topic: 'm',
        role: 'measurements',
        watermark: null,
        local: null,
        lagSeconds: null,
        partitions: [{ partition: 0, watermark: null }],
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
    ],
    events: { rate1m: 1.5, rate5m: 0.5, topics: [] },
    services: [],
    dlq: { count: 3, byReason: { schema: 3 }, latest: [] },
    parked: [],
    outbox: { backlog: 2, oldestPendingAgeSeconds: null, failing: 1, permanentFailures: 0, sent: 9, muted: 0 },
    snapshot: {
      parts: ['dlq', 'parked', 'outbox'],
      asOf: '2026-01-01T00:00:00.000Z',
      ageSeconds: 12,
      everySeconds: 30,
    },
    indicators: {
      fiscalYear: 2019,
      units: 1,
      byStatus: { ...emptyStatusCounts(), at_risk: 1 },
      settled: 0,
      bindingsError: null,
    },
    budget: { funds: 100, spent: 25, executionRate: 25, timeElapsed: 50 },
    errors: {},
    ...over,
  });

  it('turns one /status answer into gauges, dropping label sets that went away', async () => {
    const m = new MetricsService({} as OpsStatusService);
    m.update(
      status({
        parked: [
          { unit: 'u', indicatorId: 'u', projectId: 'p', reason: 'x', since: '2019-07-01T00:00:00Z', events: 2 },
        ],
      }),
    );
    let text = await m.registry.metrics();
    for (const line of [
      'iw_consumer_lag{group="g",topic="t",partition="0"} 7',
      'iw_topic_end_offset{topic="t",partition="0"} 7',
      'iw_kafka_offsets_readable{group="a",role="alerting"} 0',
      'iw_ingest_events_per_second{window="1m"} 1.5',
      'iw_dlq_messages_by_reason{reason="schema"} 3',
      'iw_parked_units 1',
      'iw_outbox_oldest_pending_age_seconds 0',
      'iw_status_snapshot_age_seconds 12',
      'iw_tracked_units{status="at_risk"} 1',
      'iw_budget_execution_ratio 0.25',
      'iw_source_watermark_lag_seconds{topic="t"} 259200',
      `iw_source_watermark_timestamp_seconds{topic="t"} ${Date.parse('2019-06-28T04:00:00Z') / 1000}`,
    ]) {
      expect(text).toContain(line);
    }
    expect(text).not.toMatch(/iw_consumer_committed_offset\{/);
    // A source without a watermark has no lag to show (absent, not 0).
    expect(text).not.toContain('iw_source_watermark_lag_seconds{topic="m"}');
    m.update(status({ consumers: [], dlq: { count: 0, byReason: {}, latest: [] } }));
    text = await m.registry.metrics();
    expect(text).not.toContain('iw_consumer_lag{');
    expect(text).not.toContain('reason="schema"');
  });
  it('shows each source’s watermark (数据截至) and how far behind the clock', () => {
    const text = String(pipelineHealth(status()));
    expect(text).toMatch(
      /<tr data-topic="t" class="warn"><td>t<\/td><td>2019-06-28 12:00<\/td><td data-lag-seconds="259200">落后 3 天<\/td>/,
    );
    expect(text).toMatch(/<tr data-topic="m" class="warn"><td>m<\/td><td>未知<\/td><td data-lag-seconds="">未知<\/td>/);
    expect(String(pipelineHealth(status({ watermarks: [] })))).not.toContain('watermarks');
  });
  it('shows parked units on the pipeline tiles only when there are some, their reasons escaped', () => {
    expect(String(pipelineHealth(status()))).not.toContain('data-tile="parked"');
    const text = String(
      pipelineHealth(
        status({
          parked: [
            {
              unit: '2019.p.汽油抽检批次',
              indicatorId: '2019.p.汽油抽检批次',
              projectId: '2019.p',
              reason: 'measure changed from sum to count <b>',
              since: '2019-07-01T00:00:00Z',
              events: 2,
            },
          ],
        }),
      ),
    );
    expect(text).toMatch(/data-tile="parked"><div class="k">暂停计数的指标<\/div><div class="v">1</);
    expect(text).toContain('2019.p.汽油抽检批次（2 条；measure changed from sum to count &lt;b&gt;）');
  });
  it.each([
    [5, 30, '死信、暂停计数与待发邮件：5 秒前的读数（至多每 30 秒读一次）'],
    [89, 30, '死信、暂停计数与待发邮件：89 秒前的读数（至多每 30 秒读一次）'],
    [400, 30, '死信、暂停计数与待发邮件：7 分钟前的读数（至多每 30 秒读一次）'],
    [0, 0, '死信、暂停计数与待发邮件：0 秒前的读数（每次请求时读）'],
  ])('says how old the tiles’ background reading is (%i s, every %i s)', (ageSeconds, everySeconds, text) => {
    expect(snapshotText({ ageSeconds, everySeconds })).toBe(text);
    const page = String(pipelineHealth(status({ snapshot: { ...status().snapshot, ageSeconds, everySeconds } })));
    expect(page).toContain(`<p class="muted" id="snapshot">${text}</p>`);
  });
  it('gives the dashboard script the same wording, in a script that compiles', () => {
    expect(DASHBOARD_JS).toContain(snapshotText.toString());
    expect(() => new vm.Script(DASHBOARD_JS)).not.toThrow();
  });
});
