/**
 * Send failures, classified for the outbox: transient ones (4xx replies, connection and
 * timeout errors, anything unknown) are retried with backoff; permanent ones (5xx replies
 * except 503, a message we refuse to send) are not, since the same message would fail again.
 * Unknown errors count as transient on purpose: a notification must not be dropped by guesswork.
 */

const PERMANENT_CODES = new Set(['EINVALID', 'ECONFIG', 'EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS']);

export class MailSendError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly code?: string,
    readonly responseCode?: number,
    readonly response?: string,
  ) {
    super(message);
    this.name = 'MailSendError';
  }
  get permanent(): boolean {
    return !this.transient;
  }
}

export interface SmtpErrorLike {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
}

export function isTransient(err: SmtpErrorLike): boolean {
  if (typeof err.responseCode === 'number' && err.responseCode >= 400) {
    return err.responseCode < 500 || err.responseCode === 503;
  }
  return !(err.code && PERMANENT_CODES.has(err.code));
}

export function classifySendError(err: unknown): MailSendError {
  if (err instanceof MailSendError) return err;
  const e = (err ?? {}) as SmtpErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(err);
  return new MailSendError(message, isTransient(e), e.code, e.responseCode, e.response);
}
