import {
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Redirect,
  UseGuards,
} from '@nestjs/common';
import { AuthGuard, CsrfGuard, Session, SessionService } from '../lib/index.js';
import { NOTICE } from './app-session.interface.js';
import type { AppSession, Notice } from './app-session.interface.js';
import { HtmlPage } from './html-page.decorator.js';
import { signedInUser } from './signed-in-user.util.js';
import { describeIp, describeUserAgent } from './user-agent.util.js';
import { devicesPage } from './views/devices.view.js';

/** "Your devices": the user's sessions, each revocable, and "sign out everywhere else". */
@Controller('devices')
@UseGuards(AuthGuard)
export class DevicesController {
  constructor(private readonly sessions: SessionService) {}

  @Get()
  @HtmlPage({ live: true })
  async list(@Session() session: Session<AppSession>) {
    const listed = await this.sessions.listForUser(signedInUser(session));
    return devicesPage({
      csrf: session.csrfToken(),
      username: session.get('username') ?? '',
      notice: session.consumeFlash<Notice>(NOTICE),
      devices: listed.map((device) => ({
        id: device.id,
        browser: describeUserAgent(device.userAgent),
        ip: describeIp(device.ip),
        createdAt: device.createdAt,
        lastSeenAt: device.lastSeenAt,
        current: device.id === session.id,
      })),
    });
  }

  @Post('revoke-others')
  @UseGuards(CsrfGuard)
  @Redirect('/devices', 303)
  async revokeOthers(@Session() session: Session<AppSession>): Promise<void> {
    const userId = signedInUser(session);
    const revoked = await this.sessions.revokeAllForUser(userId, { except: session.id });
    const text = `Signed out ${revoked} other ${revoked === 1 ? 'session' : 'sessions'}.`;
    session.flash(NOTICE, { kind: 'success', text });
  }

  /** Revokes one of the user's own sessions (this one signs out); any other id is 404. */
  @Post(':id/revoke')
  @UseGuards(CsrfGuard)
  @Redirect('/devices', 303)
  async revoke(@Param('id') id: string, @Session() session: Session<AppSession>) {
    const own = await this.sessions.listForUser(signedInUser(session));
    const device = own.find((listed) => listed.id === id);
    if (!device) throw new NotFoundException('No such session among yours.');
    if (id === session.id) {
      await this.sessions.signOut(session); // also clears this browser's cookie
      return { url: '/login?signed-out' };
    }
    await this.sessions.revoke(id);
    const text = `Signed out ${describeUserAgent(device.userAgent)} (${describeIp(device.ip)}).`;
    session.flash(NOTICE, { kind: 'success', text });
    return undefined;
  }
}
