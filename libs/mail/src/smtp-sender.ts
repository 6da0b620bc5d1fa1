import * as nodemailer from 'nodemailer';
import { classifySendError, MailSendError } from './mail-error';
import { writeMime, type MailMessage, type MimeMail } from './mime';
import { parseSmtpUrl, redactSmtpUrl } from './smtp-url';

/**
 * Delivers messages over SMTP with nodemailer. By default one connection per message; with
 * `pool` a few connections are kept open and reused, so concurrent sends do not each pay for a
 * connection, greeting, EHLO and AUTH (the outbox sends several digests at once). Either way
 * each send resolves or fails on its own. Never logs; the password never leaves the transport
 * (use `describe()` in logs).
 */

export interface SendResult {
  accepted: string[];
  rejected: string[];
  /** The server's final reply, e.g. `250 OK: queued`. */
  response: string;
  messageId: string;
}

export interface SmtpSenderOptions {
  /** SMTP_URL: `smtp://user:pass@host:port` or `smtps://…` (see smtp-url.ts for query options). */
  url: string;
  /** Refuse to send unless the server upgrades with STARTTLS (overrides `?requireTLS=`). */
  requireTls?: boolean;
  /** Never try STARTTLS, e.g. against the local sink (overrides `?ignoreTLS=`). */
  ignoreTls?: boolean;
  /** PEM of a CA to trust, for a server with a self-signed or private certificate (overrides `?caFile=`). */
  ca?: string | Buffer;
  /** false accepts any certificate (overrides `?rejectUnauthorized=`); prefer `ca`. */
  rejectUnauthorized?: boolean;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** Host name announced in EHLO. */
  clientName?: string;
  /** Keep up to this many connections open and reuse them (nodemailer pool); 0 or absent: one per message. */
  pool?: number;
}

// No CR, LF or other control characters in anything that becomes a header.
const CONTROL = /[\u0000-\u001f\u007f]/;
const MSG_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$/;

function invalid(what: string): MailSendError {
  return new MailSendError(`refusing to send: ${what}`, false, 'EINVALID');
}

export function validateMessage(message: MailMessage): void {
  if (!MSG_ID.test(message.messageId)) throw invalid('Message-ID is not <id@domain>');
  if (CONTROL.test(message.subject)) throw invalid('line break or control character in the subject');
  if (CONTROL.test(message.from) || !message.from.includes('@')) throw invalid('bad From address');
  const to = Array.isArray(message.to) ? message.to : [message.to];
  if (to.length === 0) throw invalid('no recipient');
  for (const address of to) if (CONTROL.test(address) || !address.includes('@')) throw invalid('bad To address');
}

function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address ?? '')));
}

export class SmtpSender {
  private readonly transport: nodemailer.Transporter;
  private readonly redacted: string;

  constructor(options: SmtpSenderOptions) {
    const endpoint = parseSmtpUrl(options.url);
    this.redacted = redactSmtpUrl(options.url);
    this.transport = nodemailer.createTransport({
      host: endpoint.host,
      port: endpoint.port,
      secure: endpoint.secure,
      auth: endpoint.auth,
      requireTLS: options.requireTls ?? endpoint.requireTls,
      ignoreTLS: options.ignoreTls ?? endpoint.ignoreTls,
      tls: {
        rejectUnauthorized: options.rejectUnauthorized ?? endpoint.rejectUnauthorized,
        ...((options.ca ?? endpoint.ca) ? { ca: options.ca ?? endpoint.ca } : {}),
      },
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.greetingTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 30_000,
      ...(options.clientName ? { name: options.clientName } : {}),
      ...(options.pool && options.pool > 0 ? { pool: true, maxConnections: options.pool, maxMessages: 100 } : {}),
      logger: false,
      debug: false,
    });
  }

  /** The server, password redacted: for logs and /status. */
  describe(): string {
    return this.redacted;
  }

  /** Resolves when the server accepted the message; throws a MailSendError otherwise. */
  async send(message: MailMessage): Promise<SendResult> {
    validateMessage(message);
    // Written by writeMime, not nodemailer's composer (a stream pipeline per mail: see mime.ts).
    let mail: MimeMail;
    try {
      mail = writeMime(message);
    } catch (e) {
      throw invalid((e as Error).message);
    }
    const { raw, envelope } = mail;
    try {
      const info = await this.transport.sendMail({ envelope, raw });
      return {
        accepted: addresses(info.accepted),
        rejected: addresses(info.rejected),
        response: String(info.response ?? ''),
        messageId: message.messageId,
      };
    } catch (err) {
      throw classifySendError(err);
    }
  }

  /** Connects and authenticates without sending (readiness check); throws a MailSendError. */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (err) {
      throw classifySendError(err);
    }
  }

  close(): void {
    this.transport.close();
  }
}
