import { Inject, Injectable } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { AppConfig } from '@iw/config';
import { redactSmtpUrl } from '@iw/mail';
import { KafkaAdminHandle } from '../adapters/kafka-admin-handle';
import { MongoHandle } from '../adapters/mongo-handle';
import { probeSmtp } from '../adapters/smtp-probe';
import { APP_CONFIG } from '../tokens';

const PROBE_TIMEOUT_MS = 3000;

/**
 * Readiness: Kafka answers (describe cluster), MongoDB answers a ping, the SMTP server greets
 * and answers EHLO. 200 only when all three are up, else 503 with the failing part under
 * `error` — terminus's shape, as ghostfolio's health endpoint has it.
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly kafka: KafkaAdminHandle,
    private readonly mongo: MongoHandle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.kafkaUp(), () => this.mongoUp(), () => this.smtpUp()]);
  }

  private async kafkaUp() {
    const i = this.indicator.check('kafka');
    try {
      const c = await this.kafka.ping(PROBE_TIMEOUT_MS);
      return i.up({ brokers: c.brokers });
    } catch (e) {
      return i.down({ message: (e as Error).message });
    }
  }

  private async mongoUp() {
    const i = this.indicator.check('mongodb');
    try {
      await this.mongo.ping(PROBE_TIMEOUT_MS);
      return i.up();
    } catch (e) {
      return i.down({ message: (e as Error).message });
    }
  }

  private async smtpUp() {
    const i = this.indicator.check('smtp');
    try {
      const r = await probeSmtp(this.config.smtp.url, PROBE_TIMEOUT_MS);
      return i.up({ server: `${r.host}:${r.port}` });
    } catch (e) {
      return i.down({
        message: (e as Error).message,
        server: redactSmtpUrl(this.config.smtp.url).replace(/^smtps?:\/\/([^@]*@)?/, ''),
      });
    }
  }
}
