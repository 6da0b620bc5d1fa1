import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import { localCatcherOf } from '@iw/mail';
import { APP_CONFIG } from '../tokens';
import type { MailEntry } from '../views/pages';

const LIST_LIMIT = 200;
const FILE_NAME = /^[A-Za-z0-9._-]+\.eml$/;

/**
 * The .eml files the local SMTP sink keeps under IW_LOCAL_DIR/mail (written by `npm start`),
 * newest first. Only plain file names inside that folder are ever opened.
 */
@Injectable()
export class MailFolder {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * Whether this deployment's mail goes to the local catcher: only then does the folder say
   * anything about what was sent (with a real SMTP server it holds at most an old replay's mail).
   */
  get inUse(): boolean {
    return localCatcherOf(this.config.smtp) !== null;
  }

  get dir(): string {
    return path.join(this.config.files.localDir, 'mail');
  }

  /** null when the folder does not exist. */
  async list(): Promise<MailEntry[] | null> {
    let names: string[];
    try {
      names = (await fs.promises.readdir(this.dir)).filter((n) => FILE_NAME.test(n));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const stats = await Promise.all(names.map(async (n) => ({ n, s: await fs.promises.stat(path.join(this.dir, n)) })));
    stats.sort((a, b) => b.s.mtimeMs - a.s.mtimeMs || (a.n < b.n ? 1 : -1));
    return Promise.all(stats.slice(0, LIST_LIMIT).map(({ n }) => this.read(n).then((r) => r!.entry)));
  }

  /** One message's entry and plain text; null when there is no such file. */
  async read(file: string): Promise<{ entry: MailEntry; text: string } | null> {
    if (!FILE_NAME.test(file)) return null;
    const full = path.join(this.dir, file);
    let buf: Buffer;
    let stat: fs.Stats;
    try {
      [buf, stat] = await Promise.all([fs.promises.readFile(full), fs.promises.stat(full)]);
    } catch {
      return null;
    }
    // mailparser is loaded when a mail is first read: most of what it pulls in is needed for nothing else.
    const { simpleParser } = await import('mailparser');
    const m = await simpleParser(buf, { skipHtmlToText: false, skipImageLinks: true });
    const to = Array.isArray(m.to) ? m.to.map((a) => a.text).join(', ') : (m.to?.text ?? '');
    return {
      entry: { file, size: stat.size, receivedAt: (m.date ?? stat.mtime).toISOString(), subject: m.subject ?? '', to },
      text: m.text ?? '',
    };
  }
}
