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
    expect(c.alerting.groupIntervalMs).toBe(3_600_000);
    expect(c.alerting.repeatIntervalMs).toBe(7 * 86_400_000);
    expect(c.alerting.pendingForMs).toBe(3_600_000);
    expect(c.timeZone).toBe('Asia/Shanghai');
    expect(c.files.bindings).toMatch(/samples[/\\]bindings\.yaml$/);
    expect(c.files.pace).toMatch(/samples[/\\]pace\.yaml$/);
  });

  it('reads overrides, lists and a topic prefix', () => {
    const c = loadConfig(
      {
        KAFKA_BROKERS: 'a:1, b:2',
        KAFKA_TOPIC_PREFIX: 't1.',
        IW_GROUP_WAIT: '0s',
        IW_GROUP_INTERVAL: '10m',
        IW_API_TOKENS: 'x,y',
      },
      noDotEnv,
    );
    expect(c.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(c.kafka.topics.cases).toBe('t1.actuals.cases');
    expect(c.alerting.groupWaitMs).toBe(0);
    expect(c.alerting.groupIntervalMs).toBe(600_000);
    expect(c.http.apiTokens).toEqual(['x', 'y']);
  });

  it.each([
    [{ IW_STATUS_PORT: 'abc' }, /IW_STATUS_PORT/],
    [{ MONGO_URL: 'not a url' }, /MONGO_URL/],
    [{ IW_GROUP_WAIT: 'soon' }, /IW_GROUP_WAIT.*not a duration/],
    [{ IW_GROUP_INTERVAL: 'often' }, /IW_GROUP_INTERVAL.*not a duration/],
    [{ IW_TIMEZONE: 'Mars/Olympus' }, /IW_TIMEZONE/],
    [{ SMTP_URL: 'http://x' }, /SMTP_URL/],
    [{ IW_SMTP_CONNECTIONS: '0' }, /IW_SMTP_CONNECTIONS/],
    [{ KAFKA_SASL_MECHANISM: 'plain' }, /KAFKA_SASL_USERNAME/],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv, noDotEnv)).toThrow(ConfigError);
    expect(() => loadConfig(env as NodeJS.ProcessEnv, noDotEnv)).toThrow(message);
  });

  it('reads how many SMTP connections alerting sends over (8 unless told)', () => {
    expect(loadConfig({}, noDotEnv).smtp.connections).toBe(8);
    expect(loadConfig({ IW_SMTP_CONNECTIONS: '2' }, noDotEnv).smtp.connections).toBe(2);
  });

  it('reads the people settings: link secret, link lifetime, session idle time', () => {
    const d = loadConfig({}, noDotEnv);
    expect(d.people).toEqual({ linkSecret: null, linkTtlMs: 14 * 86_400_000, sessionIdleMs: 12 * 3_600_000 });
    expect(d.files.people).toMatch(/samples[/\\]people\.yaml$/);
    const secret = 's'.repeat(40);
    const c = loadConfig({ IW_LINK_SECRET: secret, IW_LINK_TTL: '2d', IW_SESSION_IDLE: '30m' }, noDotEnv);
    expect(c.people).toEqual({ linkSecret: secret, linkTtlMs: 2 * 86_400_000, sessionIdleMs: 30 * 60_000 });
  });

  it('refuses a short link secret without echoing it', () => {
    const run = () => loadConfig({ IW_LINK_SECRET: 'short-secret-value' }, noDotEnv);
    expect(run).toThrow(/IW_LINK_SECRET: at least 32 characters/);
    expect(run).not.toThrow(/short-secret-value/);
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

describe('retention (IW_RETENTION_*)', () => {
  it('has defaults', () => {
    expect(loadConfig({}, noDotEnv).retention).toEqual({
      eventIdsMs: 7 * 86_400_000,
      progressVersionsMs: 7 * 86_400_000,
      dlqMs: 90 * 86_400_000,
      outboxMs: 30 * 86_400_000,
      auditMs: 365 * 86_400_000,
    });
  });
  it('reads durations', () => {
    const r = loadConfig({ IW_RETENTION_EVENT_IDS: '2d', IW_RETENTION_DLQ: '1w', IW_RETENTION_AUDIT: '3h' }, noDotEnv);
    expect(r.retention).toMatchObject({ eventIdsMs: 2 * 86_400_000, dlqMs: 7 * 86_400_000, auditMs: 3 * 3_600_000 });
  });
  it.each([
    [{ IW_RETENTION_EVENT_IDS: '30m' }, /IW_RETENTION_EVENT_IDS: a retention must be at least 1h/],
    [{ IW_RETENTION_OUTBOX: 'forever' }, /IW_RETENTION_OUTBOX.*not a duration/],
    [{ IW_RETENTION_PROGRESS_VERSIONS: '0s' }, /IW_RETENTION_PROGRESS_VERSIONS: a retention must be at least 1h/],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv, noDotEnv)).toThrow(message);
  });
});

describe('status app interface (IW_STATUS_HOST)', () => {
  it('listens on loopback unless told otherwise', () => {
    expect(loadConfig({}, noDotEnv).http.statusHost).toBe('127.0.0.1');
  });
  it.each(['0.0.0.0', '::', '::1', 'localhost', 'status.internal.example', '10.0.0.7'])('accepts %s', (host) => {
    expect(loadConfig({ IW_STATUS_HOST: host }, noDotEnv).http.statusHost).toBe(host);
  });
  it.each(['http://0.0.0.0', '0.0.0.0:3000x', 'a b', '-bad.example', 'host/path'])(
    'rejects %p naming the variable',
    (host) => {
      expect(() => loadConfig({ IW_STATUS_HOST: host }, noDotEnv)).toThrow(
        /IW_STATUS_HOST: not a host name or IP address/,
      );
    },
  );
});

describe('Kafka SASL and TLS (KAFKA_SASL_*, KAFKA_SSL*)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-tls-'));
  const pem = (name: string, label: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `-----BEGIN ${label}-----\nMIIB${name}\n-----END ${label}-----\n`);
    return file;
  };
  const ca = pem('ca.pem', 'CERTIFICATE');
  const cert = pem('client.pem', 'CERTIFICATE');
  const key = pem('client.key', 'PRIVATE KEY');
  const notPem = path.join(dir, 'ca.der');
  fs.writeFileSync(notPem, Buffer.from([0x30, 0x82, 0x01, 0x0a]));

  it('SASL off and plaintext by default', () => {
    const k = loadConfig({}, noDotEnv).kafka;
    expect(k).toMatchObject({ ssl: false, sasl: undefined });
    expect(k.tls).toBeUndefined();
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('SASL %s with user and password', (mechanism) => {
    const k = loadConfig(
      { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'iw', KAFKA_SASL_PASSWORD: 'pw', KAFKA_SSL: 'true' },
      noDotEnv,
    ).kafka;
    expect(k.sasl).toEqual({ mechanism, username: 'iw', password: 'pw' });
    expect(k.ssl).toBe(true);
    expect(k.tls).toBeUndefined(); // system CAs, certificate verified
  });

  it('rejects an unknown SASL mechanism naming the variable', () => {
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'iw' }, noDotEnv)).toThrow(
      /KAFKA_SASL_MECHANISM/,
    );
  });

  it('reads the CA, client certificate and key files', () => {
    const k = loadConfig(
      { KAFKA_SSL: 'true', KAFKA_SSL_CA: ca, KAFKA_SSL_CERT: cert, KAFKA_SSL_KEY: key },
      noDotEnv,
    ).kafka;
    expect(k.ssl).toBe(true);
    expect(k.tls).toEqual({
      rejectUnauthorized: true,
      ca: fs.readFileSync(ca, 'utf8'),
      cert: fs.readFileSync(cert, 'utf8'),
      key: fs.readFileSync(key, 'utf8'),
    });
  });

  it('a CA alone, and verification switched off alone', () => {
    expect(loadConfig({ KAFKA_SSL: '1', KAFKA_SSL_CA: ca }, noDotEnv).kafka.tls).toEqual({
      rejectUnauthorized: true,
      ca: fs.readFileSync(ca, 'utf8'),
    });
    expect(loadConfig({ KAFKA_SSL: 'yes', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }, noDotEnv).kafka.tls).toEqual({
      rejectUnauthorized: false,
    });
  });

  it.each([
    [{ KAFKA_SSL_CA: ca }, /KAFKA_SSL_CA: only used with KAFKA_SSL=true/],
    [{ KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }, /KAFKA_SSL_REJECT_UNAUTHORIZED: only used with KAFKA_SSL=true/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT: cert }, /KAFKA_SSL_CERT and KAFKA_SSL_KEY: set both/],
    [
      { KAFKA_SSL: 'true', KAFKA_SSL_CA: path.join(dir, 'missing.pem') },
      /KAFKA_SSL_CA: cannot read .*missing\.pem \(ENOENT\)/,
    ],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CA: dir }, /KAFKA_SSL_CA: cannot read .*EISDIR/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CA: notPem }, /KAFKA_SSL_CA: .*ca\.der is not a PEM file/],
    [{ KAFKA_SSL: 'maybe' }, /KAFKA_SSL/],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv, noDotEnv)).toThrow(ConfigError);
    expect(() => loadConfig(env as NodeJS.ProcessEnv, noDotEnv)).toThrow(message);
  });

  it('never puts a PEM path problem and the key contents in the same message', () => {
    try {
      loadConfig({ KAFKA_SSL: 'true', KAFKA_SSL_KEY: key }, noDotEnv);
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect((e as Error).message).toMatch(/set both/);
      expect((e as Error).message).not.toContain('MIIB');
    }
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
  it.each(['', 'abc', '5', '5x', '1h 30m'])('rejects %p', (t) =>
    expect(() => parseDuration(t)).toThrow(/not a duration/),
  );
  it('formats', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(604_800_000)).toBe('7d');
    expect(formatDuration(1500)).toBe('1500ms');
  });
});

it('redacts URL passwords', () => {
  expect(redactUrl('smtp://u:secret@mail:587')).toBe('smtp://u:***@mail:587');
});
