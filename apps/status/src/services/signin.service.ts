import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { mailDomain } from '@iw/alerts';
import { SmtpSender } from '@iw/mail';
import { isEmail, normaliseEmail } from '@iw/people';
import { APP_CONFIG, REAL_CLOCK } from '../tokens';
import { PeopleService } from './people.service';
import { SessionsService } from './sessions.service';

/** One link mail per address per this long: the sign-in form must not become a way to flood a mailbox. */
const RESEND_AFTER_MS = 60_000;

/**
 * The sign-in page's "email me a link": a known address gets a fresh personal link by mail; an
 * unknown one gets nothing, and the page says the same thing in both cases (and answers before
 * the mail is sent), so it does not tell who is known.
 */
@Injectable()
export class SignInService implements OnApplicationShutdown {
  private readonly logger = new Logger('SignIn');
  private readonly sentAt = new Map<string, number>();
  private smtp: SmtpSender | null = null;

  constructor(
    private readonly people: PeopleService,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
  ) {}

  /** Returns at once; the mail (if any) goes out in the background. */
  requestLink(email: string, next: string): void {
    void this.send(email, next).catch((e: Error) => this.logger.warn(`sign-in link not sent: ${e.message}`));
  }

  private async send(raw: string, next: string): Promise<void> {
    if (!isEmail(raw)) return;
    const email = normaliseEmail(raw);
    const now = this.realClock.now();
    const last = this.sentAt.get(email);
    if (last !== undefined && now - last < RESEND_AFTER_MS) return;
    const person = (await this.people.directory()).person(email);
    if (!person) return;
    this.sentAt.set(email, now);
    if (this.sentAt.size > 10_000) this.sentAt.clear();
    const link = await this.sessions.link(email, next);
    const days = Math.round(this.config.people.linkTtlMs / 86_400_000);
    const text = [
      `${person.name}，您好：`,
      '',
      '请打开以下链接登录绩效运行监控（Indicator Watch）：',
      link,
      '',
      `此链接是您本人的登录链接，${days > 0 ? `${days} 天内` : '短期内'}有效，请勿转发。如果您没有申请登录，请忽略此邮件。`,
      '',
    ].join('\n');
    const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    this.smtp ??= new SmtpSender({ url: this.config.smtp.url });
    await this.smtp.send({
      messageId: `<signin.${randomBytes(12).toString('hex')}@${mailDomain(this.config.smtp.from)}>`,
      from: this.config.smtp.from,
      to: email,
      subject: '【绩效运行监控】登录链接',
      text,
      html: `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><p>${esc(person.name)}，您好：</p><p>请打开以下链接登录绩效运行监控（Indicator Watch）：</p><p><a href="${esc(link)}">登录</a></p><p style="color:#888">此链接是您本人的登录链接，请勿转发。如果您没有申请登录，请忽略此邮件。</p></body></html>`,
    });
    this.logger.log(`sign-in link sent to ${email}`);
  }

  onApplicationShutdown(): void {
    this.smtp?.close();
  }
}
