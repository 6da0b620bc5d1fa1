import * as net from 'node:net';
import { listen, IDS, TOKENS, startHarness, testConfig, type StatusHarness } from './harness';

/**
 * What clients the project did not write ran into: filters naming nothing, raw UTF-8 in a path,
 * /mail on a deployment that sends to a real mail server.
 */

jest.setTimeout(120_000);

let h: StatusHarness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

/** One request written byte for byte (fetch would percent-encode the path). */
function rawRequest(base: string, target: Buffer): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(
        Buffer.concat([
          Buffer.from('GET '),
          target,
          Buffer.from(` HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS[0]}\r\nConnection: close\r\n\r\n`),
        ]),
      );
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => reject(new Error('no answer in 10 s')));
  });
}

describe('filters naming nothing are a 404 with a message, not an empty list', () => {
  it.each(['/api/indicators?project=2019.没有这个项目', '/api/alerts?project=2019.没有这个项目'])('%s', async (url) => {
    const res = await h.get(encodeURI(url));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toBe('找不到项目：2019.没有这个项目');
  });

  it('a known project still filters', async () => {
    const res = await h.get(`/api/indicators?project=${encodeURIComponent(IDS.inspect)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { indicators: Array<{ project: { id: string } }> };
    expect(body.indicators.length).toBeGreaterThan(0);
    expect(body.indicators.every((i: { project: { id: string } }) => i.project.id === IDS.inspect)).toBe(true);
  });

  it('an unknown indicator says so in Chinese', async () => {
    const res = await h.get(`/api/indicators/${encodeURIComponent('2019.无.无')}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(/^找不到指标：/);
  });
});

it('raw UTF-8 in the path: 400 with a body saying to percent-encode it', async () => {
  const answer = await rawRequest(h.base, Buffer.from(`/indicators/${IDS.gasoline}`, 'utf8'));
  const [head, body] = answer.split('\r\n\r\n');
  expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request/);
  expect(head).toMatch(/content-type: application\/json/i);
  const parsed = JSON.parse(body);
  expect(parsed).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  expect(parsed.message).toContain('percent-encoded');
  // The same path percent-encoded is served.
  const ok = await rawRequest(h.base, Buffer.from(encodeURI(`/api/indicators/${IDS.gasoline}`)));
  expect(ok).toMatch(/^HTTP\/1\.1 200 OK/);
});

describe('/mail only while mail goes to the local catcher', () => {
  it('with the local catcher: listed, and linked in the header', async () => {
    expect((await h.get('/mail')).status).toBe(200);
    expect(await (await h.get('/')).text()).toContain('href="/mail"');
  });

  it('with a real SMTP server: 404 saying where mail goes, and no link in the header', async () => {
    const env = {
      MONGO_URL: h.mongoUrl,
      KAFKA_TOPIC_PREFIX: h.prefix,
      IW_LOCAL_DIR: h.localDir,
      SMTP_URL: 'smtp://mail.example.gov.cn:587?requireTLS=true',
    };
    const other = await listen(testConfig(env), h.clock);
    try {
      const get = (p: string) => fetch(other.base + p, { headers: { authorization: `Bearer ${TOKENS[0]}` } });
      const api = await get('/mail');
      expect(api.status).toBe(404);
      expect(await api.text()).toContain('本部署的邮件发往邮件服务器');
      const home = await (await get('/')).text();
      expect(home).not.toContain('href="/mail"');
      expect(home).toContain('href="/alerts"');
    } finally {
      await other.app.close();
    }
  });
});
