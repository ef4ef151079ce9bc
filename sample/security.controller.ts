import { Controller, Get, Post, Redirect, UseGuards } from '@nestjs/common';
import { CsrfGuard, RequireFreshAuth, Session, SessionService } from '../lib/index.js';
import { AuditLog } from './audit-log.service.js';
import { NOTICE } from './app-session.interface.js';
import type { AppSession, Notice } from './app-session.interface.js';
import { HtmlPage } from './html-page.decorator.js';
import { FRESH_AUTH } from './session-policies.constants.js';
import { signedInUser } from './signed-in-user.util.js';
import { securityPage } from './views/security.view.js';

/**
 * "Security": the user's recent session events and "sign out everywhere else", behind step-up
 * authentication. `@RequireFreshAuth` checks the sign-in as `AuthGuard` does, and when the
 * password was last entered more than 5 minutes ago sends the browser (303, as `loginPath` is
 * set) to `/login?reauth=1&next=%2Fsecurity` to enter it again.
 */
@Controller('security')
@RequireFreshAuth(FRESH_AUTH)
export class SecurityController {
  constructor(
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  @HtmlPage({ live: true })
  async show(@Session() session: Session<AppSession>) {
    const userId = signedInUser(session);
    const devices = await this.sessions.listForUser(userId);
    return securityPage({
      csrf: session.csrfToken(),
      username: session.get('username') ?? '',
      notice: session.consumeFlash<Notice>(NOTICE),
      authenticatedAt: session.authenticatedAt,
      otherDevices: devices.filter((device) => device.id !== session.id).length,
      events: this.audit.recentFor(userId),
    });
  }

  /**
   * "Sign out everywhere else", fresh authentication required too. It posts to the page's own
   * path, so that a session sent to confirm its password first comes back to this page.
   */
  @Post()
  @UseGuards(CsrfGuard)
  @Redirect('/security', 303)
  async signOutOthers(@Session() session: Session<AppSession>): Promise<void> {
    const userId = signedInUser(session);
    const revoked = await this.sessions.revokeAllForUser(userId, { except: session.id });
    const text = `Signed out ${revoked} other ${revoked === 1 ? 'session' : 'sessions'}.`;
    session.flash(NOTICE, { kind: 'success', text });
  }
}
