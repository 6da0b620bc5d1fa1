import * as http from 'node:http';
import type { Registry } from 'prom-client';

/**
 * Events per second over a trailing window, from per-second buckets (bounded memory:
 * at most `horizonS` buckets).
 */
export class RollingRate {
  private readonly buckets = new Map<number, number>();
  constructor(private readonly horizonS = 300) {}

  add(count: number, nowMs: number): void {
    const s = Math.floor(nowMs / 1000);
    this.buckets.set(s, (this.buckets.get(s) ?? 0) + count);
    for (const k of this.buckets.keys()) if (k < s - this.horizonS) this.buckets.delete(k);
  }

  perSecond(windowMs: number, nowMs: number): number {
    const from = Math.floor((nowMs - windowMs) / 1000);
    let total = 0;
    for (const [k, v] of this.buckets) if (k > from) total += v;
    return Math.round((total / (windowMs / 1000)) * 100) / 100;
  }
}

/** Each dependency's state for `/health/ready`: `up`, or why it is not. */
export type ReadinessCheck = () => Promise<Record<string, string>>;

/**
 * `/metrics`, `/health/live` and `/health/ready` of a service without an HTTP app (ingest,
 * alerting): what a container health check or a load balancer asks. `/health/ready` answers
 * 200 when every dependency `ready` reports is `up`, else 503, with the states as JSON (the
 * shape of the status app's). A port already taken (a second instance on the same host) is
 * logged and skipped rather than stopping the service.
 */
export class MetricsServer {
  private server?: http.Server;
  constructor(
    private readonly registry: Registry,
    private readonly logger: { log(m: string): void; warn(m: string): void },
    private readonly ready: ReadinessCheck = () => Promise.resolve({}),
  ) {}

  async listen(port: number, host = '127.0.0.1'): Promise<void> {
    const server = http.createServer((req, res) => {
      if (req.url === '/health/live') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      if (req.url === '/health/ready') {
        void this.ready()
          .catch((e: Error) => ({ service: e.message }))
          .then((states) => {
            const ok = Object.values(states).every((v) => v === 'up');
            const body = { status: ok ? 'ok' : 'error', details: states };
            res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          });
        return;
      }
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      this.registry
        .metrics()
        .then((body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body))
        .catch((e: Error) => res.writeHead(500).end(e.message));
    });
    await new Promise<void>((resolve) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        this.logger.warn(`metrics not served on ${host}:${port}: ${e.code ?? e.message}`);
        resolve();
      });
      server.listen(port, host, () => {
        this.server = server;
        this.logger.log(`metrics on http://${host}:${(server.address() as { port: number }).port}/metrics`);
        resolve();
      });
    });
  }

  /** The port actually bound (useful with port 0), or null when not serving. */
  port(): number | null {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : null;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
