import type { ConnectionOptions } from 'node:tls';
import { Logger, type LoggerService } from '@nestjs/common';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { errorCodes } from 'kafkajs/src/protocol/error';
import type { KafkaClientConfig } from './types';

/** Keys whose values never reach a log line, wherever kafkajs puts them. */
const SECRET_KEY = /pass(word)?|secret|token|sasl|credential|authorization/i;

/**
 * Turns a kafkajs log entry into one line: `[namespace] message k=v …`, secrets masked.
 * Pure, so it is unit-tested.
 */
export function formatKafkaLog(namespace: string, entry: LogEntry['log']): string {
  const { message, timestamp: _t, logger: _l, stack: _s, ...extra } = entry as LogEntry['log'] & { stack?: unknown };
  const fields = Object.entries(extra)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${SECRET_KEY.test(k) ? '***' : render(v)}`);
  return [`[${namespace}] ${message}`, ...fields].join(' ');
}

function render(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return v.message;
  try {
    return JSON.stringify(v, (k: string, x: unknown) => (k && SECRET_KEY.test(k) ? '***' : x));
  } catch {
    return String(v);
  }
}

/**
 * The broker errors kafkajs retries by itself (a coordinator still loading after a broker
 * starts, a partition's leader moving, …), by the message its connection logs them with.
 */
const RETRIED_BY_KAFKAJS = new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));

/**
 * kafkajs log levels mapped onto a Nest logger. kafkajs's INFO chatter (joins, commits, …)
 * goes to `debug` so a normal run shows only warnings and errors. A broker's answer that
 * kafkajs logs as an error but retries (`error=` one of RETRIED_BY_KAFKAJS) is a warning: when
 * the retries run out, the caller's own error says so.
 */
export function kafkaLogLevel(level: logLevel, log: LogEntry['log']): 'error' | 'warn' | 'debug' {
  if (level === logLevel.ERROR) {
    const error = (log as { error?: unknown }).error;
    return typeof error === 'string' && RETRIED_BY_KAFKAJS.has(error) ? 'warn' : 'error';
  }
  return level === logLevel.WARN ? 'warn' : 'debug';
}

export function kafkaLogCreator(logger: LoggerService) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const line = formatKafkaLog(namespace, log);
      const to = kafkaLogLevel(level, log);
      if (to === 'error') logger.error(line);
      else if (to === 'warn') logger.warn(line);
      else logger.debug?.(line);
    };
}

/** kafkajs's `ssl`: off, on with the system CAs, or on with the configured CA / client certificate. */
export function sslOptions(config: Pick<KafkaClientConfig, 'ssl' | 'tls'>): boolean | ConnectionOptions {
  if (!config.ssl) return false;
  if (!config.tls) return true;
  const { ca, cert, key, rejectUnauthorized } = config.tls;
  return { rejectUnauthorized, ...(ca ? { ca: [ca] } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** The kafkajs options for a config. Pure; the SASL password is passed on, never logged. */
export function kafkaOptions(
  config: KafkaClientConfig,
  logger: LoggerService,
  level: 'warn' | 'info' | 'debug' = 'warn',
): KafkaConfig {
  return {
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: sslOptions(config),
    sasl: config.sasl
      ? ({
          mechanism: config.sasl.mechanism,
          username: config.sasl.username,
          password: config.sasl.password,
        } as SASLOptions)
      : undefined,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    logLevel: level === 'debug' ? logLevel.DEBUG : level === 'info' ? logLevel.INFO : logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  };
}

/**
 * The kafkajs client. Opaque outside this library: apps get producers, consumers and admin
 * helpers from the functions here, never kafkajs objects.
 */
export class KafkaClient {
  /** @internal */
  readonly kafka: Kafka;

  constructor(
    readonly config: KafkaClientConfig,
    readonly logger: LoggerService = new Logger('Kafka'),
    level: 'warn' | 'info' | 'debug' = 'warn',
  ) {
    this.kafka = new Kafka(kafkaOptions(config, logger, level));
  }
}

export function createKafkaClient(config: KafkaClientConfig, logger?: LoggerService): KafkaClient {
  return new KafkaClient(config, logger);
}
