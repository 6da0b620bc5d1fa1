import { loadConfig } from '@iw/config';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  APPS,
  banner,
  childEnv,
  dashboardUrl,
  formatLiveLine,
  mailSinkPlan,
  NODE_FLAGS,
  REPLAY_SOURCE_DELAY,
} from './plan';

const config = (env: Record<string, string> = {}) =>
  loadConfig({ IW_LOCAL_DIR: '/srv/iw/.local', ...env }, '/nonexistent/.env');

describe('mailSinkPlan', () => {
  const dir = '/srv/iw/.local/mail';
  it.each([
    ['default SMTP_URL: the local sink', {}, { host: '127.0.0.1', port: 2525, dir }],
    ['the default spelled out', { SMTP_URL: 'smtp://127.0.0.1:2525' }, { host: '127.0.0.1', port: 2525, dir }],
    ['another loopback port (a test)', { SMTP_URL: 'smtp://localhost:40125' }, { host: 'localhost', port: 40125, dir }],
    [
      'IW_MAIL_SINK=off: your own catcher on loopback',
      { SMTP_URL: 'smtp://127.0.0.1:1025', IW_MAIL_SINK: 'off' },
      null,
    ],
    ['loopback with credentials: a real relay', { SMTP_URL: 'smtp://me:secret@127.0.0.1:2525' }, null],
    ['an external server', { SMTP_URL: 'smtp://user:pass@mail.example:587' }, null],
    ['TLS', { SMTP_URL: 'smtps://127.0.0.1:465' }, null],
  ])('%s', (_name, env: Record<string, string>, want) => {
    expect(mailSinkPlan(config(env))).toEqual(want);
  });
});

describe('dashboardUrl and childEnv', () => {
  it('puts the token in the dashboard link, encoded', () => {
    expect(dashboardUrl(config({ IW_PUBLIC_URL: 'http://iw.local:8080/' }), 'a+b/c')).toBe(
      'http://iw.local:8080/?token=a%2Bb%2Fc',
    );
  });

  it('gives every service one clock and one token set, keeping the rest of the environment', () => {
    expect(
      childEnv(
        { MONGO_URL: 'mongodb://x/db', IW_CLOCK: 'system' },
        { clock: 'sim:2019-01-01T00:00:00+08:00@86400~1', apiTokens: 't1,t2' },
      ),
    ).toEqual({
      MONGO_URL: 'mongodb://x/db',
      IW_CLOCK: 'sim:2019-01-01T00:00:00+08:00@86400~1',
      IW_API_TOKENS: 't1,t2',
      NO_COLOR: '1',
    });
  });

  it("gives a replay's services the delay its simulator publishes with, unless one is set", () => {
    const o = { clock: 'sim:2019-01-01T00:00:00+08:00@86400~1', apiTokens: 't', replay: true };
    expect(childEnv({}, o).IW_SOURCE_DELAY).toBe(REPLAY_SOURCE_DELAY);
    expect(childEnv({ IW_SOURCE_DELAY: '5s' }, o).IW_SOURCE_DELAY).toBe('5s');
    expect(childEnv({}, { ...o, replay: false }).IW_SOURCE_DELAY).toBeUndefined();
  });
});

describe('formatLiveLine', () => {
  it.each([
    [
      { date: '2019-03-14', published: 1234, total: 6437, malformed: 3, alerts: 17 },
      '2019-03-14 · 1234/6437 events published · 3 malformed → DLQ · 17 alerts sent',
    ],
    [
      { date: '2019-01-02', published: 0, total: 6437, malformed: 0, alerts: 1 },
      '2019-01-02 · 0/6437 events published · 1 alert sent',
    ],
    [
      { date: '2019-12-31', published: 6437, total: 6437, malformed: 6, alerts: 40, done: true },
      '2019-12-31 · 6437/6437 events published (replay done) · 6 malformed → DLQ · 40 alerts sent',
    ],
    [{ date: '2025-05-01', alerts: null }, '2025-05-01 · alerts: see your mail server'],
  ])('%j', (figures, line) => {
    expect(formatLiveLine(figures)).toBe(line);
  });
});

describe('banner', () => {
  it('says where to look', () => {
    const text = banner({
      simulate: true,
      fiscalYear: 2019,
      seed: 1,
      runId: 'rabc',
      speed: 86_400,
      dashboard: 'http://127.0.0.1:3000/?token=tok',
      token: 'tok',
      tokenGenerated: true,
      tokenFile: '/x/.local/api-token',
      mail: { dir: '/x/.local/mail', port: 2525 },
      logs: '/x/.local/logs',
      clock: 'sim:…',
      people: [
        { role: 'owner', who: '李强 <choujian@example.gov.cn>, 指标负责人', url: 'http://127.0.0.1:3000/signin/T1' },
        { role: 'office', who: '李敏 <jixiao@example.gov.cn>, 绩效管理', url: 'http://127.0.0.1:3000/signin/T2' },
      ],
    });
    expect(text).toContain(
      '  owner      http://127.0.0.1:3000/signin/T1  (李强 <choujian@example.gov.cn>, 指标负责人)',
    );
    expect(text).toContain('  office     http://127.0.0.1:3000/signin/T2  (李敏 <jixiao@example.gov.cn>, 绩效管理)');
    expect(text).toContain('replaying fiscal year 2019 (seed 1, run rabc), one simulated day per second');
    expect(text).toContain('dashboard  http://127.0.0.1:3000/?token=tok');
    expect(text).toContain('kept in /x/.local/api-token');
    expect(text).toContain('mail       /x/.local/mail');
    expect(text).toContain('clock      IW_CLOCK=sim:…');
    expect(text).toContain('Ctrl-C');
  });
});

describe('NODE_FLAGS', () => {
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;

  it.each(APPS.map((app) => [app]))('npm run start:%s starts the app with the same flags as the main job', (app) => {
    const started = /&& node (.*)dist\/apps\/(\w+)\/src\/main\.js$/.exec(scripts[`start:${app}`]);
    expect(started?.[2]).toBe(app);
    expect(started![1].split(' ').filter(Boolean)).toEqual([...NODE_FLAGS[app]]);
  });

  it.each(APPS.map((app) => [app]))('docker-compose.yml starts %s with the same flags', (app) => {
    const compose = fs.readFileSync(path.join(__dirname, '../../../docker-compose.yml'), 'utf8');
    const line = compose.split('\n').find((l) => l.includes(`'dist/apps/${app}/src/main.js'`));
    const args = /command: \[(.*)\]/
      .exec(line ?? '')?.[1]
      .split(',')
      .map((a) => a.trim().replace(/^'|'$/g, ''));
    expect(args).toEqual(['node', ...NODE_FLAGS[app], `dist/apps/${app}/src/main.js`]);
  });
});
