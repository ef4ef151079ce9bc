import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { AuthGuard, Session, SessionService } from '../lib/index.js';
import type { SessionSummary } from '../lib/index.js';
import type { AppSession } from './app-session.interface.js';
import { LoginDto } from './login.dto.js';
import { UsersService } from './users.service.js';

/** A session as `GET /sessions` lists it: `current` marks the one making the request. */
export interface ListedSession extends SessionSummary {
  current: boolean;
}

/** Sign-in, sign-out, and "your devices": list and revoke your own sessions. */
@Controller()
export class AccountController {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UsersService,
  ) {}

  @Post('login')
  @HttpCode(200)
  async login(@Body() dto: LoginDto, @Session() session: Session<AppSession>) {
    const user = await this.users.verify(dto.username, dto.password);
    if (!user) throw new UnauthorizedException('Wrong username or password.');
    await this.sessions.signIn(session, user.id); // new token, user bound: no session fixation
    session.set('username', user.username);
    session.set('theme', 'dark');
    return { ok: true };
  }

  @UseGuards(AuthGuard)
  @Get('me')
  me(@Session() session: Session<AppSession>) {
    return {
      userId: session.userId,
      username: session.get('username'),
      theme: session.get('theme'),
      sessionId: session.id,
      expiresAt: session.expiresAt,
    };
  }

  @UseGuards(AuthGuard)
  @Post('logout')
  @HttpCode(204)
  async logout(@Session() session: Session<AppSession>) {
    await this.sessions.signOut(session);
  }

  @UseGuards(AuthGuard)
  @Get('sessions')
  async list(@Session() session: Session<AppSession>): Promise<ListedSession[]> {
    const sessions = await this.sessions.listForUser(userIdOf(session));
    return sessions.map((listed) => ({ ...listed, current: listed.id === session.id }));
  }

  @UseGuards(AuthGuard)
  @Post('sessions/revoke-others')
  @HttpCode(200)
  async revokeOthers(@Session() session: Session<AppSession>) {
    const revoked = await this.sessions.revokeAllForUser(userIdOf(session), { except: session.id });
    return { revoked };
  }

  /** Revokes one of the user's own sessions; any other id is 404, whoever it belongs to. */
  @UseGuards(AuthGuard)
  @Post('sessions/:id/revoke')
  @HttpCode(204)
  async revoke(@Param('id') id: string, @Session() session: Session<AppSession>) {
    const own = await this.sessions.listForUser(userIdOf(session));
    if (!own.some((listed) => listed.id === id)) throw new NotFoundException('No such session.');
    if (id === session.id)
      await this.sessions.signOut(session); // also clears this cookie
    else await this.sessions.revoke(id);
  }
}

/** The signed-in user's id; `AuthGuard` has already refused anonymous sessions. */
function userIdOf(session: Session<AppSession>): string {
  if (session.userId === null) throw new UnauthorizedException();
  return session.userId;
}
