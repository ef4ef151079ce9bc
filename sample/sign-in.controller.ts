import { Body, Controller, Get, Post, Query, Redirect, UseGuards } from '@nestjs/common';
import { AuthGuard, CsrfGuard, Session, SessionService } from '../lib/index.js';
import { NOTICE } from './app-session.interface.js';
import type { AppSession, Notice } from './app-session.interface.js';
import { ConfirmPasswordDto } from './confirm-password.dto.js';
import { HtmlPage } from './html-page.decorator.js';
import { localPath } from './local-path.util.js';
import { LoginDto } from './login.dto.js';
import { signedInUser } from './signed-in-user.util.js';
import { DEMO_USERS, UsersService } from './users.service.js';
import { confirmPasswordPage } from './views/confirm-password.view.js';
import { signInPage } from './views/sign-in.view.js';

/** Flash key of the username typed in a failed attempt, to fill the form in again. */
const TRIED_USERNAME = 'tried-username';

/**
 * Signing in, confirming the password again, and signing out. Every form posts with the
 * session's CSRF token (`CsrfGuard`).
 */
@Controller()
export class SignInController {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @Redirect('/account', 303)
  home(): void {}

  /**
   * The form. `csrfToken()` makes an anonymous session (and cookie) to bind the token to.
   * With `?reauth=1` (where `@RequireFreshAuth` sends a signed-in browser whose sign-in is too
   * old) it asks the signed-in user for their password only.
   */
  @Get('login')
  @HtmlPage()
  signInForm(
    @Session() session: Session<AppSession>,
    @Query('signed-out') signedOut?: string,
    @Query('reauth') reauth?: string,
    @Query('next') next?: string,
  ) {
    const notice = session.consumeFlash<Notice>(NOTICE);
    const username = session.get('username');
    if (reauth !== undefined && session.userId !== null && username !== undefined) {
      return confirmPasswordPage({
        csrf: session.csrfToken(),
        username,
        next: localPath(next),
        notice,
      });
    }
    const goodbye: Notice | undefined =
      signedOut === undefined
        ? undefined
        : signedOut === 'elsewhere' // a signed-in page whose socket was disconnected
          ? { kind: 'error', text: 'You were signed out from another device.' }
          : { kind: 'success', text: 'You are signed out.' };
    return signInPage({
      csrf: session.csrfToken(),
      notice: notice ?? goodbye,
      username: session.consumeFlash<string>(TRIED_USERNAME),
      signedInAs: session.userId === null ? undefined : username,
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
    // New token, user bound (no session fixation); past 3 devices, the oldest is signed out.
    await this.sessions.signIn(session, user.id, { rememberMe: form.rememberMe === 'yes' });
    session.set('username', user.username);
    session.flash(NOTICE, {
      kind: 'success',
      text: `Welcome, ${user.username}. You are signed in.`,
    });
    return { url: '/account' };
  }

  /** The password again: `reauthenticate()` makes the sign-in fresh, then on to `next`. */
  @Post('login/confirm')
  @UseGuards(AuthGuard, CsrfGuard)
  @Redirect('/account', 303)
  async confirm(@Body() form: ConfirmPasswordDto, @Session() session: Session<AppSession>) {
    const next = localPath(form.next); // a path on this site, never another one
    if (!(await this.users.confirm(signedInUser(session), form.password))) {
      session.flash(NOTICE, { kind: 'error', text: 'That is not your password.' });
      return { url: `/login?reauth=1&next=${encodeURIComponent(next)}` };
    }
    await this.sessions.reauthenticate(session); // authenticatedAt = now, under a new token
    return { url: next };
  }

  @Post('logout')
  @UseGuards(AuthGuard, CsrfGuard)
  @Redirect('/login?signed-out', 303)
  async signOut(@Session() session: Session<AppSession>): Promise<void> {
    await this.sessions.signOut(session); // row deleted now, cookie cleared in this response
  }
}
