import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { WALL_CLOCK } from '@iw/clock';

/**
 * A real SMTP server that accepts any mail: the local mail catcher for `npm start` and the
 * integration tests. Each message is kept in memory (parsed) and, when a folder is given, as
 * an `.eml` file. The reply 250 is given only once the message is stored, so "the sender was
 * accepted" implies "the sink has it". `setFailing(true)` answers MAIL FROM with a 451 (or
 * another code) to play an outage.
 */

export interface SinkMessage {
  /** As in the header, with the angle brackets: `<id@domain>`; '' when none. */
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** In-Reply-To and References as parsed ('' and [] when none). */
  inReplyTo: string;
  references: string[];
  /** ISO instant. */
  receivedAt: string;
  envelope: { mailFrom: string; rcptTo: string[] };
  /** User name given in AUTH, if any. */
  authUser: string | null;
  size: number;
  /** The .eml file, when a folder is set. */
  file: string | null;
}

export interface SmtpSinkOptions {
  /** 0 (default) picks a free port; read it from `port` after start(). */
  port?: number;
  host?: string;
  /** Folder for .eml files (created on start); none keeps messages in memory only. */
  dir?: string;
  /** Larger messages get 552. Default 10 MiB. */
  maxMessageBytes?: number;
  /** Messages kept in memory (oldest dropped first). Default 10 000. */
  maxKept?: number;
  maxClients?: number;
  /**
   * false: keep the envelope and raw size only, do not parse (no subject, text or Message-ID):
   * for load tests where parsing in the same process would steal CPU from what is measured.
   */
  parse?: boolean;
  /** Source of receivedAt; the real clock by default (this is the mail server's own time). */
  now?: () => number;
  log?: (line: string) => void;
}

interface Waiter {
  count: number;
  resolve: (messages: SinkMessage[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const SKIP_PARSE = new Error('not parsed');

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export class SmtpSink {
  private server: SMTPServer | null = null;
  private kept: SinkMessage[] = [];
  private received = 0;
  private seq = 0;
  private waiters: Waiter[] = [];
  private failing: { code: number; message: string } | null = null;
  private boundPort = 0;
  private readonly maxBytes: number;
  private readonly maxKept: number;
  private readonly now: () => number;

  constructor(private readonly options: SmtpSinkOptions = {}) {
    this.maxBytes = options.maxMessageBytes ?? 10 * 1024 * 1024;
    this.maxKept = options.maxKept ?? 10_000;
    this.now = options.now ?? (() => WALL_CLOCK.now());
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** An SMTP_URL pointing at the sink. */
  get url(): string {
    return `smtp://${this.host}:${this.boundPort}`;
  }

  /** Total messages accepted since start (or the last clear()). */
  get count(): number {
    return this.received;
  }

  async start(): Promise<void> {
    if (this.server) throw new Error('SmtpSink: already started');
    if (this.options.dir) await fs.promises.mkdir(this.options.dir, { recursive: true });
    const server = new SMTPServer({
      secure: false,
      // No STARTTLS: a local catcher has no certificate a client would trust.
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      size: this.maxBytes,
      maxClients: this.options.maxClients ?? 100,
      socketTimeout: 60_000,
      closeTimeout: 1_000,
      banner: 'Indicator Watch mail sink',
      logger: false,
      disableReverseLookup: true,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
      onMailFrom: (_address, _session, callback) => {
        if (this.failing) return callback(smtpError(this.failing.code, this.failing.message));
        callback();
      },
      onData: (stream, session, callback) => this.receive(stream, session, callback),
    });
    server.on('error', (err: Error) => this.options.log?.(`smtp sink: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.server.once('error', onError);
      server.listen(this.options.port ?? 0, this.host, () => {
        server.server.off('error', onError);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.server.address() as AddressInfo).port;
    this.options.log?.(`smtp sink listening on ${this.url}`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error(`SmtpSink stopped while waiting for ${w.count} messages (have ${this.kept.length})`));
    }
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Refuse mail from now on (451 by default: a temporary failure), or accept again. */
  setFailing(on: boolean, code = 451, message = 'Mail sink refusing mail for now, try again later'): void {
    this.failing = on ? { code, message } : null;
  }

  messages(): SinkMessage[] {
    return [...this.kept];
  }

  clear(): void {
    this.kept = [];
    this.received = 0;
  }

  /** Resolves with the messages once at least `count` are kept; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs = 10_000): Promise<SinkMessage[]> {
    if (this.kept.length >= count) return Promise.resolve(this.messages());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`SmtpSink: ${this.kept.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= this.maxBytes) chunks.push(chunk);
    });
    stream.once('error', (err) => callback(err));
    stream.once('end', () => {
      if (stream.sizeExceeded || size > this.maxBytes) {
        callback(smtpError(552, `Message exceeds the fixed maximum size of ${this.maxBytes} bytes`));
        return;
      }
      this.store(Buffer.concat(chunks), session).then(
        (m) => callback(null, `Accepted ${m.messageId || 'message'}`),
        (err: Error) => callback(smtpError(451, `Could not store the message: ${err.message}`)),
      );
    });
  }

  private async store(raw: Buffer, session: SMTPServerSession): Promise<SinkMessage> {
    const receivedAtMs = this.now();
    const seq = ++this.seq; // taken before any await: concurrent messages get distinct files
    let file: string | null = null;
    if (this.options.dir) {
      file = path.join(this.options.dir, `${receivedAtMs}-${String(seq).padStart(6, '0')}-${process.pid}.eml`);
      await fs.promises.writeFile(file, raw);
    }
    const envelope = {
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
    };
    const message: SinkMessage = {
      messageId: '',
      from: '',
      to: [],
      subject: '',
      text: '',
      html: '',
      inReplyTo: '',
      references: [],
      receivedAt: new Date(receivedAtMs).toISOString(),
      envelope,
      authUser: typeof session.user === 'string' ? session.user : null,
      size: raw.length,
      file,
    };
    try {
      if (this.options.parse === false) throw SKIP_PARSE;
      const { simpleParser } = await import('mailparser'); // loaded with the first mail, not by every app that imports @iw/mail
      const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
      const to = parsed.to ? (Array.isArray(parsed.to) ? parsed.to : [parsed.to]) : [];
      Object.assign(message, {
        messageId: parsed.messageId ?? '',
        from: parsed.from?.value[0]?.address ?? '',
        to: to.flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean),
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        html: typeof parsed.html === 'string' ? parsed.html : '',
        inReplyTo: parsed.inReplyTo ?? '',
        references: parsed.references ? [parsed.references].flat() : [],
      });
    } catch (err) {
      if (err === SKIP_PARSE) message.to = envelope.rcptTo;
      // Accept any mail: an unparsable one is kept raw (file) with its envelope.
      else this.options.log?.(`smtp sink: could not parse message ${seq}: ${(err as Error).message}`);
    }
    this.received++;
    this.kept.push(message);
    if (this.kept.length > this.maxKept) this.kept.splice(0, this.kept.length - this.maxKept);
    for (const w of [...this.waiters]) {
      if (this.kept.length >= w.count) {
        clearTimeout(w.timer);
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(this.messages());
      }
    }
    return message;
  }
}
