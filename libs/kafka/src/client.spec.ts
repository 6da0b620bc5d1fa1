import type { LoggerService } from '@nestjs/common';
import { logLevel } from 'kafkajs';
import { formatKafkaLog, kafkaLogCreator, kafkaOptions } from './client';

function recordingLogger() {
  const lines: Array<[string, string]> = [];
  const logger: LoggerService = {
    log: (m: string) => lines.push(['log', m]),
    error: (m: string) => lines.push(['error', m]),
    warn: (m: string) => lines.push(['warn', m]),
    debug: (m: string) => lines.push(['debug', m]),
  };
  return { lines, logger };
}

const base = { timestamp: '2026-01-01T00:00:00Z', logger: 'kafkajs' };

describe('formatKafkaLog', () => {
  it.each([
    [
      { ...base, message: 'Connection error', broker: '127.0.0.1:9092' },
      '[Connection] Connection error broker=127.0.0.1:9092',
    ],
    [{ ...base, message: 'auth', sasl: { username: 'u', password: 'hunter2' } }, '[Connection] auth sasl=***'],
    [
      { ...base, message: 'auth', config: { password: 'hunter2', user: 'u' } },
      '[Connection] auth config={"password":"***","user":"u"}',
    ],
    [
      { ...base, message: 'boom', error: 'The group is rebalancing', stack: 'Error: at …' },
      '[Connection] boom error=The group is rebalancing',
    ],
  ])('%o', (entry, line) => {
    expect(formatKafkaLog('Connection', entry as never)).toBe(line);
  });

  it('never prints a password anywhere in the line', () => {
    const line = formatKafkaLog('SASL', {
      ...base,
      message: 'x',
      nested: { deeper: { password: 's3cret' } },
      token: 's3cret',
    });
    expect(line).not.toContain('s3cret');
  });
});

describe('kafkaLogCreator', () => {
  it.each([
    [logLevel.ERROR, 'error'],
    [logLevel.WARN, 'warn'],
    [logLevel.INFO, 'debug'],
    [logLevel.DEBUG, 'debug'],
  ])('kafkajs level %i goes to %s', (level, method) => {
    const { lines, logger } = recordingLogger();
    kafkaLogCreator(logger)()({ namespace: 'Runner', level, label: '', log: { ...base, message: 'm' } });
    expect(lines).toEqual([[method, '[Runner] m']]);
  });

  it.each([
    ["The coordinator is loading and hence can't process requests for this group", 'warn'],
    ['This server does not host this topic-partition', 'warn'],
    ['There is no leader for this topic-partition as we are in the middle of a leadership election', 'warn'],
    ['Not authorized to access topics: [Topic authorization failed]', 'error'],
    ['The group member needs to have a valid member id before actually entering a consumer group', 'error'],
    ['boom', 'error'],
  ])('a broker error kafkajs logs, %s, goes to %s (retried by kafkajs: a warning)', (error, method) => {
    const { lines, logger } = recordingLogger();
    const log = { ...base, message: 'Response InitProducerId(key: 22, version: 1)', error, correlationId: 2 };
    kafkaLogCreator(logger)()({ namespace: 'Connection', level: logLevel.ERROR, label: '', log });
    expect(lines).toEqual([
      [method, `[Connection] Response InitProducerId(key: 22, version: 1) error=${error} correlationId=2`],
    ]);
  });
});

describe('kafkaOptions', () => {
  const { logger } = recordingLogger();
  it('passes brokers, TLS and SASL through', () => {
    const o = kafkaOptions(
      {
        brokers: ['a:1', 'b:2'],
        clientId: 'iw',
        ssl: true,
        sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
      },
      logger,
    );
    expect(o).toMatchObject({
      brokers: ['a:1', 'b:2'],
      clientId: 'iw',
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
    });
    expect(o.logLevel).toBe(logLevel.WARN);
  });
  it('TLS: off, on with the system CAs, or on with a CA, client certificate and verification setting', () => {
    const at = { brokers: ['a:1'], clientId: 'iw' };
    expect(kafkaOptions({ ...at, ssl: false, tls: { ca: 'CA', rejectUnauthorized: true } }, logger).ssl).toBe(false);
    expect(kafkaOptions({ ...at, ssl: true }, logger).ssl).toBe(true);
    expect(
      kafkaOptions({ ...at, ssl: true, tls: { ca: 'CA', cert: 'CERT', key: 'KEY', rejectUnauthorized: true } }, logger)
        .ssl,
    ).toEqual({
      rejectUnauthorized: true,
      ca: ['CA'],
      cert: 'CERT',
      key: 'KEY',
    });
    expect(kafkaOptions({ ...at, ssl: true, tls: { rejectUnauthorized: false } }, logger).ssl).toEqual({
      rejectUnauthorized: false,
    });
  });
  it('leaves SASL off when not configured', () => {
    expect(kafkaOptions({ brokers: ['a:1'], clientId: 'iw', ssl: false }, logger).sasl).toBeUndefined();
  });
});
