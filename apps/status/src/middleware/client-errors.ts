import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Requests Node's HTTP parser refuses before any route sees them. Node's own answer is a bare
 * `400` with an empty body; this one says what was wrong. The usual case: a client that sends a
 * path with raw UTF-8 (`/indicators/2019.汽油…`) instead of percent-encoding it.
 */
export function clientErrorAnswer(code: string | undefined): { status: number; reason: string; message: string } {
  switch (code) {
    case 'HPE_INVALID_URL':
      return {
        status: 400,
        reason: 'Bad Request',
        message:
          'the request path holds characters that must be percent-encoded (raw UTF-8 such as Chinese, spaces, control characters): encode it, e.g. encodeURI("/indicators/2019.项目.指标") → /indicators/2019.%E9%A1%B9%E7%9B%AE.%E6%8C%87%E6%A0%87 (请求地址须按百分号编码)',
      };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request Header Fields Too Large', message: 'the request headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', message: 'the request did not arrive in time' };
    default:
      return { status: 400, reason: 'Bad Request', message: `not a valid HTTP request (${code ?? 'parse error'})` };
  }
}

/** Answers the requests the parser refuses with a JSON body (as every other error of the API). */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const a = clientErrorAnswer(err.code);
    const body = JSON.stringify({ statusCode: a.status, error: a.reason, message: a.message });
    socket.end(
      `HTTP/1.1 ${a.status} ${a.reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
