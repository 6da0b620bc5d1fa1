import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import { closeMongo, connectMongo, pingMongo, redactMongoUrl, type Connection } from '@iw/mongo';
import { APP_CONFIG } from '../tokens';

const RETRY_MS = 3000;

/**
 * The status app's MongoDB connection. Unlike the workers it boots without MongoDB (it must be
 * able to say that MongoDB is down): it keeps trying in the background, and every read in
 * between answers 503. Once connected, the driver reconnects by itself after an outage.
 */
@Injectable()
export class MongoHandle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('MongoDB');
  private conn: Connection | null = null;
  private lastError = 'not connected yet';
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    if (!(await this.tryConnect()))
      this.logger.warn(`${this.lastError}; retrying every ${RETRY_MS / 1000}s, readiness answers 503 meanwhile`);
  }

  private async tryConnect(): Promise<boolean> {
    try {
      this.conn = await connectMongo(this.config.mongo.url, {
        appName: 'iw-status',
        serverSelectionTimeoutMS: 2000,
        autoIndex: false,
      });
      if (this.closed) await closeMongo(this.conn);
      else this.logger.log(`connected to ${redactMongoUrl(this.config.mongo.url)}`);
      return true;
    } catch (e) {
      this.lastError = (e as Error).message;
      if (!this.closed) {
        this.timer = setTimeout(() => void this.tryConnect(), RETRY_MS);
        this.timer.unref();
      }
      return false;
    }
  }

  /** The open connection; 503 while there is none. */
  connection(): Connection {
    if (!this.conn) throw new ServiceUnavailableException(`MongoDB is not available: ${this.lastError}`);
    return this.conn;
  }

  /** Resolves when MongoDB answers a ping within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<void> {
    const conn = this.connection();
    await withTimeout(pingMongo(conn), timeoutMs, 'MongoDB did not answer a ping');
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.conn) await closeMongo(this.conn).catch(() => undefined);
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
