import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard, Session, SessionService } from '../lib/index.js';
import { NOTICE } from './app-session.interface.js';
import type { AppSession, Notice } from './app-session.interface.js';
import { HtmlPage } from './html-page.decorator.js';
import { signedInUser } from './signed-in-user.util.js';
import { accountPage } from './views/account.view.js';

/** The signed-in user's home page. Browsers without a session are sent to `/login` (303). */
@Controller('account')
@UseGuards(AuthGuard)
export class AccountController {
  constructor(private readonly sessions: SessionService) {}

  @Get()
  @HtmlPage({ live: true })
  async show(@Session() session: Session<AppSession>) {
    const devices = await this.sessions.listForUser(signedInUser(session));
    return accountPage({
      csrf: session.csrfToken(),
      username: session.get('username') ?? 'there',
      theme: session.get('theme') ?? 'light',
      notice: session.consumeFlash<Notice>(NOTICE),
      signedInAt: session.authenticatedAt,
      expiresAt: session.expiresAt,
      deviceCount: devices.length,
    });
  }
}
