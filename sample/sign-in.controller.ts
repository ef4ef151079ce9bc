import { Body, Controller, Get, Post, Query, Redirect, UseGuards } from '@nestjs/common';
import { AuthGuard, CsrfGuard, Session, SessionService } from '../lib/index.js';
import { NOTICE } from './app-session.interface.js';
import type { AppSession, Notice } from './app-session.interface.js';
import { HtmlPage } from './html-page.decorator.js';
import { LoginDto } from './login.dto.js';
import { DEMO_USERS, UsersService } from './users.service.js';
import { signInPage } from './views/sign-in.view.js';

/** Flash key of the username typed in a failed attempt, to fill the form in again. */
const TRIED_USERNAME = 'tried-username';

/** Signing in and out. Both forms post with the session's CSRF token (`CsrfGuard`). */
@Controller()
export class SignInController {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @Redirect('/account', 303)
  home(): void {}

  /** The form. `csrfToken()` makes an anonymous session (and cookie) to bind the token to. */
  @Get('login')
  @HtmlPage()
  signInForm(@Session() session: Session<AppSession>, @Query('signed-out') signedOut?: string) {
    const goodbye: Notice | undefined =
      signedOut === undefined
        ? undefined
        : signedOut === 'elsewhere' // a signed-in page whose socket was disconnected
          ? { kind: 'error', text: 'You were signed out from another device.' }
          : { kind: 'success', text: 'You are signed out.' };
    return signInPage({
      csrf: session.csrfToken(),
      notice: session.consumeFlash<Notice>(NOTICE) ?? goodbye,
      username: session.consumeFlash<string>(TRIED_USERNAME),
      signedInAs: session.userId === null ? undefined : session.get('username'),
      demoUsers: DEMO_USERS,
    });
  }

  /** Post/Redirect/Get: to the account page when the password is right, else back here. */
  @Post('login')
  @UseGuards(CsrfGuard)
  @Redirect('/account', 303)
  async signIn(@Body() form: LoginDto, @Session() session: Session<AppSession>) {
    const user = await this.users.verify(form.username, form.password);
    if (!user) {
      session.flash(NOTICE, { kind: 'error', text: 'Wrong username or password.' });
      session.flash(TRIED_USERNAME, form.username);
      return { url: '/login' };
    }
    await this.sessions.signIn(session, user.id); // new token, user bound: no session fixation
    session.set('username', user.username);
    session.flash(NOTICE, {
      kind: 'success',
      text: `Welcome, ${user.username}. You are signed in.`,
    });
    return { url: '/account' };
  }

  @Post('logout')
  @UseGuards(AuthGuard, CsrfGuard)
  @Redirect('/login?signed-out', 303)
  async signOut(@Session() session: Session<AppSession>): Promise<void> {
    await this.sessions.signOut(session); // row deleted now, cookie cleared in this response
  }
}
