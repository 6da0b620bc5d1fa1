import { Injectable, Logger, type LoggerService } from '@nestjs/common';

/**
 * Terminus logs every failed readiness check; a probe polled every few seconds while a
 * dependency is down would fill the log with boxes. One warning line per failure instead,
 * through Nest's Logger so the app's log levels apply.
 */
@Injectable()
export class HealthLogger implements LoggerService {
  private readonly logger = new Logger('Health');

  error(message: unknown): void {
    // errorLogStyle 'json': "Health Check has failed! {…details…}"
    const text = String(message);
    const brace = text.indexOf('{');
    this.logger.warn(`readiness failed: ${brace >= 0 ? oneLine(text.slice(brace)) : text}`);
  }

  log(message: unknown): void {
    this.logger.log(String(message));
  }

  warn(message: unknown): void {
    this.logger.warn(String(message));
  }
}

function oneLine(json: string): string {
  try {
    const parsed = JSON.parse(json) as Record<string, { status?: string; message?: string }>;
    return Object.entries(parsed)
      .filter(([, v]) => v?.status === 'down')
      .map(([k, v]) => `${k} down (${v.message ?? 'no detail'})`)
      .join('; ');
  } catch {
    return json.replace(/\s+/g, ' ');
  }
}
