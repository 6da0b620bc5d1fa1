const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Where the local mail catcher (`SmtpSink`, started by `npm start`) listens, or null when this
 * deployment sends to a real server: SMTP_URL plain smtp:// on this machine without credentials
 * (the default, smtp://127.0.0.1:2525, or a test's port) and IW_MAIL_SINK not `off`. The main job
 * starts the catcher by it; the status app shows the caught mails (/mail) only by it.
 */
export function localCatcherOf(smtp: { url: string; localSink: boolean }): { host: string; port: number } | null {
  if (!smtp.localSink) return null;
  let url: URL;
  try {
    url = new URL(smtp.url);
  } catch {
    return null;
  }
  if (url.protocol !== 'smtp:' || !LOOPBACK.has(url.hostname) || url.username || url.password) return null;
  return { host: url.hostname === '[::1]' ? '::1' : url.hostname, port: Number(url.port || 25) };
}
