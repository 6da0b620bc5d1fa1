import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { MailMessage } from './mime';
import { SmtpSender } from './smtp-sender';

/**
 * SMTP TLS against a real server on 127.0.0.1 whose certificate is signed by a private CA made
 * here with openssl: implicit TLS (smtps://), STARTTLS required (smtp://…?requireTLS=true), the
 * CA trusted through SMTP_URL's `caFile`, and AUTH only over the encrypted channel.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-smtp-tls-'));
const file = (name: string) => path.join(dir, name);

function makeCertificates(): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=iw test CA',
  );
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
}

interface Received {
  secure: boolean;
  user: string | null;
}

const received: Received[] = [];
const servers: SMTPServer[] = [];

async function startServer(options: Partial<SMTPServerOptions>): Promise<number> {
  const server = new SMTPServer({
    key: fs.readFileSync(file('server.key')),
    cert: fs.readFileSync(file('server.pem')),
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    onAuth: (auth, _session, callback) =>
      auth.username === 'iwmail' && auth.password === 'p@ss word'
        ? callback(null, { user: auth.username })
        : callback(new Error('bad credentials')),
    onData: (stream, session, callback) => {
      stream.resume();
      stream.on('end', () => {
        received.push({ secure: session.secure, user: (session.user as string | undefined) ?? null });
        callback();
      });
    },
    ...options,
  });
  // A client that refuses the certificate drops the connection: the server reports it, the test judges the client.
  server.on('error', () => undefined);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.server.address() as AddressInfo).port;
}

const message = (n: number): MailMessage => ({
  messageId: `<iw.tls${n}@localhost>`,
  from: 'Indicator Watch <noreply@localhost>',
  to: 'owner@x.cn',
  subject: '【绩效预警】TLS',
  text: 'body',
  html: '<p>body</p>',
});

let implicitTls: number;
let startTls: number;
let plainOnly: number;

beforeAll(async () => {
  makeCertificates();
  implicitTls = await startServer({ secure: true });
  startTls = await startServer({ secure: false }); // offers STARTTLS
  plainOnly = await startServer({ secure: false, disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
}, 30_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  fs.rmSync(dir, { recursive: true, force: true });
});

const sender = (url: string) =>
  new SmtpSender({ url, connectionTimeoutMs: 5000, greetingTimeoutMs: 5000, socketTimeoutMs: 5000 });

describe('SMTP over TLS with a private CA', () => {
  beforeEach(() => received.splice(0));

  it('smtps:// trusts the server once caFile names its CA, and authenticates inside TLS', async () => {
    const url = `smtps://iwmail:${encodeURIComponent('p@ss word')}@127.0.0.1:${implicitTls}?caFile=${encodeURIComponent(file('ca.pem'))}`;
    await expect(sender(url).send(message(1))).resolves.toMatchObject({ accepted: ['owner@x.cn'] });
    expect(received).toEqual([{ secure: true, user: 'iwmail' }]);
  });

  it('smtps:// without the CA refuses the certificate and sends nothing', async () => {
    await expect(sender(`smtps://127.0.0.1:${implicitTls}`).send(message(2))).rejects.toThrow(/certificate/i);
    expect(received).toEqual([]);
  });

  it('smtps:// with rejectUnauthorized=false accepts it (the escape hatch; caFile is the better way)', async () => {
    await sender(`smtps://127.0.0.1:${implicitTls}?rejectUnauthorized=false`).send(message(3));
    expect(received).toEqual([{ secure: true, user: null }]);
  });

  it('smtp:// with requireTLS upgrades by STARTTLS before AUTH and data', async () => {
    const url = `smtp://iwmail:${encodeURIComponent('p@ss word')}@127.0.0.1:${startTls}?requireTLS=true&caFile=${encodeURIComponent(file('ca.pem'))}`;
    await sender(url).send(message(4));
    expect(received).toEqual([{ secure: true, user: 'iwmail' }]);
  });

  it('smtp:// with requireTLS refuses a server that does not offer STARTTLS', async () => {
    await expect(sender(`smtp://iwmail:x@127.0.0.1:${plainOnly}?requireTLS=true`).send(message(5))).rejects.toThrow(
      /STARTTLS/i,
    );
    expect(received).toEqual([]);
  });

  it('smtp:// with ignoreTLS stays in plain text even when STARTTLS is offered', async () => {
    await sender(`smtp://127.0.0.1:${startTls}?ignoreTLS=true`).send(message(6));
    expect(received).toEqual([{ secure: false, user: null }]);
  });
});
