import { LeaseRepository } from '@iw/mongo';
import { spawnApp, uniqueId, waitFor } from '@iw/testing';
import { freePort } from '@iw/testing';
import { createWorld, indicatorId, type World } from './helpers';

/**
 * The alerting app as a process (apps/alerting/src/main.ts, configured by environment only)
 * with a simulated clock: a tipping progress message becomes a mail, and SIGTERM finishes,
 * gives up the sender lease and exits 0.
 */

jest.setTimeout(120_000);

const P = '进程测试项目';
let world: World;

beforeAll(async () => {
  world = await createWorld(
    [{ name: P, indicators: [['汽油抽检批次', '数量指标', '≥700批次']] }],
    `fallback: ops@iw.test\nprojects:\n  ${P}: [proc@iw.test]\n`,
  );
});

afterAll(async () => {
  await world?.teardown();
});

it('mails the owner and stops cleanly on SIGTERM', async () => {
  const c = world.config();
  const metricsPort = await freePort();
  const proc = spawnApp({
    entry: 'apps/alerting/src/main.ts',
    env: {
      MONGO_URL: world.mongoUrl,
      KAFKA_TOPIC_PREFIX: world.prefix,
      IW_ALERTING_GROUP: uniqueId('alerting'),
      SMTP_URL: c.smtp.url,
      MAIL_FROM: c.smtp.from,
      IW_BINDINGS: c.files.bindings,
      IW_OWNERS: c.files.owners,
      IW_POLICY: c.files.policy,
      IW_CLOCK: 'sim:2019-06-15T12:00:00+08:00@1',
      IW_GROUP_WAIT: '0s',
      IW_GROUP_INTERVAL: '0s',
      IW_PENDING_FOR: '0s',
      IW_METRICS_PORT_ALERTING: String(metricsPort),
      IW_LOG_LEVEL: 'log',
    },
  });
  try {
    await proc.waitForOutput(/leads: sending mail and sweeping/, 60_000);
    await proc.waitForOutput(/successfully started/, 60_000);
    const publishedAt = await world.setProgress(indicatorId(P, '汽油抽检批次'), 'sum', { actual: 100 });
    const mail = await waitFor(() => world.mailsTo('proc@iw.test')[0], { timeoutMs: 30_000, message: 'the mail' });
    console.log(
      `child process: tipping progress message → SMTP accepted in ${Date.parse(mail.receivedAt) - publishedAt} ms`,
    );
    expect(mail.subject).toBe(`【绩效预警】${P} · 汽油抽检批次：有可能无法完成`);
    expect(proc.output()).toMatch(/simulated clock: sweeping on each new local day/);
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        // The evaluation is timed once its batch's writes are done, which follow its mails.
        return /^iw_alerting_notifications_sent_total 1$/m.test(text) &&
          /^iw_alerting_evaluation_seconds_count\{trigger="progress"\} [1-9]/m.test(text)
          ? text
          : null;
      },
      { timeoutMs: 20_000, message: 'sent counter and the progress evaluation in /metrics' },
    );
    expect(metrics).toMatch(/^iw_alerting_evaluation_seconds_count\{trigger="progress"\} [1-9]/m);
  } finally {
    const exit = await proc.stop('SIGTERM');
    expect({ exit, errors: proc.output().match(/^.*ERROR.*$/gm) }).toEqual({
      exit: { code: 0, signal: null },
      errors: null,
    });
  }
  expect(await new LeaseRepository(world.conn).get('alerting-sender')).toBeNull();
});
