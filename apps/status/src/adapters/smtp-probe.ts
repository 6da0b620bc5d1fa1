import * as net from 'node:net';
import * as tls from 'node:tls';
import { parseSmtpUrl } from '@iw/mail';

/**
 * Is the SMTP server there? Connects to SMTP_URL's host and port (TLS for smtps://), waits for
 * the 220 greeting, says EHLO, expects 250, says QUIT. No mail, no AUTH: credentials never
 * travel for a health check.
 */
export async function probeSmtp(
  url: string,
  timeoutMs: number,
): Promise<{ host: string; port: number; greeting: string }> {
  const ep = parseSmtpUrl(url);
  return new Promise((resolve, reject) => {
    const socket: net.Socket = ep.secure
      ? tls.connect({
          host: ep.host,
          port: ep.port,
          servername: ep.host,
          rejectUnauthorized: ep.rejectUnauthorized,
          ...(ep.ca !== undefined ? { ca: ep.ca } : {}),
        })
      : net.connect({ host: ep.host, port: ep.port });
    let buffer = '';
    let greeting = '';
    let stage: 'greeting' | 'ehlo' | 'done' = 'greeting';
    const finish = (err: Error | null) => {
      if (stage === 'done') return;
      stage = 'done';
      clearTimeout(timer);
      socket.removeAllListeners('data');
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        socket.end('QUIT\r\n');
        socket.setTimeout(1000, () => socket.destroy());
        resolve({ host: ep.host, port: ep.port, greeting });
      }
    };
    const timer = setTimeout(
      () => finish(new Error(`SMTP ${ep.host}:${ep.port} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('error', (e) =>
      finish(new Error(`SMTP ${ep.host}:${ep.port}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)),
    );
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      // A reply is complete at a line "NNN text" (a space, not a dash, after the code).
      const lines = buffer.split('\r\n');
      const last = lines.reverse().find((l) => /^\d{3} /.test(l));
      if (!last) return;
      buffer = '';
      const code = Number(last.slice(0, 3));
      if (stage === 'greeting') {
        if (code !== 220) return finish(new Error(`SMTP ${ep.host}:${ep.port} greeted with ${last}`));
        greeting = last.slice(4).trim();
        stage = 'ehlo';
        socket.write('EHLO indicator-watch-status\r\n');
      } else if (stage === 'ehlo') {
        if (code !== 250) return finish(new Error(`SMTP ${ep.host}:${ep.port} answered EHLO with ${last}`));
        finish(null);
      }
    });
  });
}
