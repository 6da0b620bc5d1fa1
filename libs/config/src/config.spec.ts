import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { ConfigError, loadConfig, redactUrl } from './config';
import { formatDuration, parseDuration } from './duration';

const noDotEnv = path.join(os.tmpdir(), 'iw-no-such-dotenv');

describe('loadConfig', () => {
  it('defaults to the local infrastructure', () => {
    const c = loadConfig({}, noDotEnv);
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(c.mongo.url).toBe('mongodb://127.0.0.1:27017/indicator-watch');
    expect(c.kafka.topics.inspectionBatches).toBe('actuals.inspection-batches');
    expect(c.kafka.topics.dlq).toBe('actuals.dlq');
    expect(c.alerting.groupWaitMs).toBe(30_000);
    expect(c.alerting.repeatIntervalMs).toBe(7 * 86_400_000);
    expect(c.alerting.pendingForMs).toBe(3_600_000);
    expect(c.timeZone).toBe('Asia/Shanghai');
    expect(c.files.bindings).toMatch(/samples[/\\]bindings\.yaml$/);
  });

  it('reads overrides, lists and a topic prefix', () => {
    const c = loadConfig(
      { KAFKA_BROKERS: 'a:1, b:2', KAFKA_TOPIC_PREFIX: 't1.', IW_GROUP_WAIT: '0s', IW_API_TOKENS: 'x,y' },
      noDotEnv,
    );
    expect(c.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(c.kafka.topics.cases).toBe('t1.actuals.cases');
    expect(c.alerting.groupWaitMs).toBe(0);
    expect(c.http.apiTokens).toEqual(['x', 'y']);
  });

  it.each([
    [{ IW_STATUS_PORT: 'abc' }, /IW_STATUS_PORT/],
    [{ MONGO_URL: 'not a url' }, /MONGO_URL/],
    [{ IW_GROUP_WAIT: 'soon' }, /IW_GROUP_WAIT.*not a duration/],
    [{ IW_TIMEZONE: 'Mars/Olympus' }, /IW_TIMEZONE/],
    [{ SMTP_URL: 'http://x' }, /SMTP_URL/],
    [{ KAFKA_SASL_MECHANISM: 'plain' }, /KAFKA_SASL_USERNAME/],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv, noDotEnv)).toThrow(ConfigError);
    expect(() => loadConfig(env as NodeJS.ProcessEnv, noDotEnv)).toThrow(message);
  });

  it('reads a .env file, with real variables winning', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iw-')), '.env');
    fs.writeFileSync(file, '# comment\nIW_STATUS_PORT=4000\nMAIL_FROM="Ops <ops@x.cn>"\nIW_PUBLIC_URL=http://a/\n');
    const c = loadConfig({ IW_PUBLIC_URL: 'http://b/' }, file);
    expect(c.http.statusPort).toBe(4000);
    expect(c.smtp.from).toBe('Ops <ops@x.cn>');
    expect(c.http.publicUrl).toBe('http://b');
  });
});

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['0s', 0],
    ['250ms', 250],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', 'abc', '5', '5x', '1h 30m'])('rejects %p', (t) => expect(() => parseDuration(t)).toThrow(/not a duration/));
  it('formats', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(604_800_000)).toBe('7d');
    expect(formatDuration(1500)).toBe('1500ms');
  });
});

it('redacts URL passwords', () => {
  expect(redactUrl('smtp://u:secret@mail:587')).toBe('smtp://u:***@mail:587');
});
