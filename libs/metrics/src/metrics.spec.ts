import { Registry } from 'prom-client';
import { MetricsServer } from './metrics';

const quiet = { log: () => undefined, warn: () => undefined };

async function serve(ready: () => Promise<Record<string, string>>) {
  const server = new MetricsServer(new Registry(), quiet, ready);
  await server.listen(0);
  const base = `http://127.0.0.1:${server.port()}`;
  return { server, get: (p: string) => fetch(base + p) };
}

describe('MetricsServer health', () => {
  it('answers /health/ready 200 when every dependency is up, 503 naming the one that is not', async () => {
    let mongodb = 'up';
    const { server, get } = await serve(async () => ({ mongodb }));
    try {
      const up = await get('/health/ready');
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ status: 'ok', details: { mongodb: 'up' } });
      mongodb = 'connect ECONNREFUSED 127.0.0.1:27017';
      const down = await get('/health/ready');
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        status: 'error',
        details: { mongodb: 'connect ECONNREFUSED 127.0.0.1:27017' },
      });
      expect((await get('/health/live')).status).toBe(200);
      expect((await get('/metrics')).status).toBe(200);
      expect((await get('/other')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('a readiness check that throws is a 503, not a crash', async () => {
    const { server, get } = await serve(async () => {
      throw new Error('boom');
    });
    try {
      const res = await get('/health/ready');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'error', details: { service: 'boom' } });
    } finally {
      await server.close();
    }
  });
});
