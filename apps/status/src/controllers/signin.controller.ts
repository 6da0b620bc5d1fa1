import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { z } from 'zod';
import { LINK_REFUSALS, safeNext, sameSecret, type Principal } from '@iw/people';
import { cookie } from '../middleware/auth.guard';
import type { AuthedRequest, HttpResponse as Response } from '../middleware/http-types';
import { Auth, Public, Req, Requires } from '../middleware/public.decorator';
import { ZodPipe } from '../middleware/zod.pipe';
import { AuditService } from '../services/audit.service';
import { SESSION_COOKIE, SessionsService } from '../services/sessions.service';
import { SignInService } from '../services/signin.service';
import { linkRefusedPage, signInPage, signInSentPage } from '../views/people';

const HTML = 'text/html; charset=utf-8';
/** The anonymous sign-in form's nonce (its token is an HMAC of it: a signed double submit). */
const FORM_COOKIE = 'iw_signin';

const NextQuery = z.object({ next: z.string().max(2000).optional() }).loose();
const SignInBody = z.object({
  email: z.string().max(300).default(''),
  next: z.string().max(2000).optional(),
  _form: z.string().max(200).optional(),
});

/** Sign-in without passwords: the page, "email me a link", the personal links themselves, and 退出. */
@ApiExcludeController()
@Controller()
export class SignInController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly signin: SignInService,
    private readonly audit: AuditService,
  ) {}

  @Public()
  @Get('signin')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  async page(
    @Query(new ZodPipe(NextQuery)) q: z.output<typeof NextQuery>,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const nonce = randomBytes(18).toString('base64url');
    res.cookie(FORM_COOKIE, nonce, { ...this.sessions.cookieOptions(), maxAge: 3600_000 });
    const p = req.principal;
    return signInPage({
      next: safeNext(q.next),
      formToken: await this.sessions.formToken(nonce),
      csrf: req.csrf ?? null,
      signedInAs: p?.kind === 'person' ? `${p.person.name}（${p.person.email}）` : null,
    });
  }

  @Public()
  @Post('signin')
  @HttpCode(200)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  async request(
    @Body(new ZodPipe(SignInBody)) body: z.output<typeof SignInBody>,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const nonce = cookie(req.headers.cookie, FORM_COOKIE);
    if (!nonce || !sameSecret(body._form, await this.sessions.formToken(nonce))) {
      res.status(403);
      return linkRefusedPage('登录表单已过期或不完整（CSRF 校验失败）。请重新打开登录页面后再提交。');
    }
    this.signin.requestLink(body.email, safeNext(body.next));
    return signInSentPage();
  }

  /** A personal link: opens a session (or keeps the one of the same person) and goes on to `next`. */
  @Public()
  @Get('signin/:token')
  @Header('Cache-Control', 'no-store')
  async link(
    @Param('token', new ZodPipe(z.string().min(1).max(1000))) token: string,
    @Query(new ZodPipe(NextQuery)) q: z.output<typeof NextQuery>,
    @Req() req: AuthedRequest,
    @Res() res: Response,
  ): Promise<void> {
    const current = req.principal?.kind === 'person' ? { principal: req.principal, csrf: req.csrf ?? '' } : null;
    const result = await this.sessions.signIn(token, current, {
      address: req.ip ?? null,
      userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
    });
    if (!result.ok) {
      res.status(403).type(HTML);
      res.send(linkRefusedPage(LINK_REFUSALS[result.reason]));
      return;
    }
    if (result.sessionSecret) {
      await this.sessions.signOut(cookie(req.headers.cookie, SESSION_COOKIE));
      res.cookie(SESSION_COOKIE, result.sessionSecret, this.sessions.cookieOptions());
      const principal: Principal = { kind: 'person', person: result.person, sessionId: null };
      await this.audit.record(
        principal,
        'sign_in',
        { target: result.person.email, indicatorId: null, projectId: null, agency: result.person.agencies[0] ?? null },
        { before: null, after: { via: 'link', next: safeNext(q.next) } },
        req,
      );
    }
    res.redirect(303, safeNext(q.next));
  }

  @Requires('read')
  @Post('signout')
  async signOut(@Auth() p: Principal, @Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    if (p.kind === 'person') {
      await this.sessions.signOut(cookie(req.headers.cookie, SESSION_COOKIE));
      await this.audit.record(
        p,
        'sign_out',
        { target: p.person.email, indicatorId: null, projectId: null, agency: p.person.agencies[0] ?? null },
        { before: null, after: null },
        req,
      );
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/signin');
  }
}
