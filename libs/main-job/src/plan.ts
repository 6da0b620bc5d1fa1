import * as path from 'node:path';
import type { AppConfig } from '@iw/config';
import { localCatcherOf } from '@iw/mail';

/** The three services, started as child processes from dist/ in this order. */
export const APPS = ['ingest', 'alerting', 'status'] as const;
export type AppName = (typeof APPS)[number];

/** SMTP_URL's default: the main job runs its own mail sink there. */
export const DEFAULT_SMTP_URL = 'smtp://127.0.0.1:2525';

export function entryOf(root: string, app: AppName): string {
  return path.join(root, 'dist', 'apps', app, 'src', 'main.js');
}

/**
 * Node's flags per app, the same wherever it starts: the main job, `npm run start:<app>` (its
 * script in package.json spells them out; a test checks they agree) and the bench. Alerting holds
 * a province's catalogue and pending notifications for good and allocates little per second: a
 * young generation of 2 MB semi-spaces (V8's default grows to 16 MB) cut its peak RSS in a
 * province's first sweep from 446 MB to 371 MB, for about 2 % more CPU in the collector.
 * Ingest allocates per event and keeps little, so it keeps V8's default.
 */
export const NODE_FLAGS: Readonly<Record<AppName, readonly string[]>> = {
  ingest: [],
  alerting: ['--max-semi-space-size=2'],
  status: [],
};

/**
 * Where the local mail sink listens and keeps .eml files (`localCatcherOf`: SMTP_URL plain
 * smtp:// on loopback without credentials); null when mail goes to a real server, or
 * IW_MAIL_SINK=off (your own catcher on loopback).
 */
export function mailSinkPlan(config: AppConfig): { host: string; port: number; dir: string } | null {
  const at = localCatcherOf(config.smtp);
  return at && { ...at, dir: mailDir(config) };
}

export function mailDir(config: AppConfig): string {
  return path.join(config.files.localDir, 'mail');
}

export function logDir(config: AppConfig): string {
  return path.join(config.files.localDir, 'logs');
}

/** The dashboard with the token, for a browser: the status app turns `?token=` into a cookie. */
export function dashboardUrl(config: AppConfig, token: string): string {
  return `${config.http.publicUrl}/?token=${encodeURIComponent(token)}`;
}

/**
 * How late a replay's events may be published (IW_SOURCE_DELAY) unless set otherwise: the
 * simulator publishes each event when the clock reaches its time, from this process's event loop,
 * which falls behind by up to a few hundred ms under load (0.3 s measured with the end-to-end
 * test alone on 2 cores). At 129,600× that is half a simulated day, in which ingest would say a
 * source is current while its event is still to come. 2 s, not 1: on a machine running 2–3×
 * slower the end-to-end replay judged 案件办结率 one closure short (29/33) twice with 1 s, a false
 * 有可能无法完成; replays are then judged up to 2 s (three simulated days at 129,600×) behind.
 */
export const REPLAY_SOURCE_DELAY = '2s';

/** The environment of every service: one clock, one token set, the same configuration. */
export function childEnv(
  base: NodeJS.ProcessEnv,
  o: { clock: string; apiTokens: string; replay?: boolean },
): NodeJS.ProcessEnv {
  // NO_COLOR: log files without escape codes (Nest honours it).
  return {
    ...base,
    IW_CLOCK: o.clock,
    IW_API_TOKENS: o.apiTokens,
    NO_COLOR: '1',
    ...(o.replay && !base.IW_SOURCE_DELAY?.trim() ? { IW_SOURCE_DELAY: REPLAY_SOURCE_DELAY } : {}),
  };
}

export interface LiveFigures {
  /** Local date of the (simulated) clock. */
  date: string;
  published?: number;
  total?: number;
  malformed?: number;
  /** .eml files in the mail folder; null when mail goes to an external server. */
  alerts: number | null;
  done?: boolean;
}

/** The one line that keeps moving while the job runs. */
export function formatLiveLine(f: LiveFigures): string {
  const parts = [f.date];
  if (f.published !== undefined && f.total !== undefined) {
    parts.push(`${f.published}/${f.total} events published${f.done ? ' (replay done)' : ''}`);
    if (f.malformed) parts.push(`${f.malformed} malformed → DLQ`);
  }
  parts.push(f.alerts === null ? 'alerts: see your mail server' : `${f.alerts} alert${f.alerts === 1 ? '' : 's'} sent`);
  return parts.join(' · ');
}

export function banner(o: {
  simulate: boolean;
  fiscalYear?: number;
  seed?: number;
  runId?: string;
  speed?: number;
  dashboard: string;
  token: string;
  tokenGenerated: boolean;
  tokenFile: string | null;
  mail: { dir: string; port: number } | null;
  logs: string;
  clock: string;
  /** Personal sign-in links to try the roles (one owner, one office person), when the directory has them. */
  people?: ReadonlyArray<{ role: string; who: string; url: string }>;
}): string {
  const lines: string[] = [];
  if (o.simulate) {
    const pace = o.speed === 86_400 ? 'one simulated day per second' : `${o.speed}× real time`;
    lines.push(`Indicator Watch — replaying fiscal year ${o.fiscalYear} (seed ${o.seed}, run ${o.runId}), ${pace}`);
  } else {
    lines.push(`Indicator Watch — services only (clock: ${o.clock})`);
  }
  lines.push(`  dashboard  ${o.dashboard}`);
  for (const p of o.people ?? []) lines.push(`  ${p.role.padEnd(9)}  ${p.url}  (${p.who})`);
  lines.push(
    `  API token  ${o.token}${o.tokenGenerated ? ` (generated${o.tokenFile ? `, kept in ${o.tokenFile}` : ''}; set IW_API_TOKENS to choose your own)` : ''}`,
  );
  lines.push(
    o.mail
      ? `  mail       ${o.mail.dir} (.eml files; local SMTP sink on port ${o.mail.port})`
      : '  mail       sent through SMTP_URL',
  );
  lines.push(`  logs       ${o.logs}/{ingest,alerting,status}.log`);
  // The services' one clock: give it to `npx iw …` commands (IW_CLOCK=…) to see the same "now".
  lines.push(`  clock      IW_CLOCK=${o.clock}`);
  lines.push('  Ctrl-C stops everything started here.');
  return lines.join('\n');
}
