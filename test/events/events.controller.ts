import { BadRequestException, Body, Controller, HttpCode, Injectable, Post } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SESSION_EVENTS, Session, SessionService } from '../../lib/index.js';
import type { SessionEvent, SessionEventName } from '../../lib/index.js';
import { RequestGate } from '../fixtures/concurrency.controller.js';

/** One event as a listener heard it. */
export interface HeardEvent {
  name: SessionEventName;
  event: SessionEvent;
}

/** An app's listener for the library's four events, through `@OnEvent`, as a user writes it. */
@Injectable()
export class SessionEventsRecorder {
  private readonly events: HeardEvent[] = [];

  @OnEvent(SESSION_EVENTS.signedIn)
  onSignedIn(event: SessionEvent): void {
    this.events.push({ name: SESSION_EVENTS.signedIn, event });
  }

  @OnEvent(SESSION_EVENTS.signedOut)
  onSignedOut(event: SessionEvent): void {
    this.events.push({ name: SESSION_EVENTS.signedOut, event });
  }

  @OnEvent(SESSION_EVENTS.revoked)
  onRevoked(event: SessionEvent): void {
    this.events.push({ name: SESSION_EVENTS.revoked, event });
  }

  @OnEvent(SESSION_EVENTS.expired)
  onExpired(event: SessionEvent): void {
    this.events.push({ name: SESSION_EVENTS.expired, event });
  }

  /** Every event heard since the last call, in order; forgets them. */
  take(): HeardEvent[] {
    return this.events.splice(0);
  }
}

/** More than the default `maxDataSize` (65536 bytes) of session data. */
const TOO_LARGE = 'x'.repeat(70_000);

/** Sign-ins whose request does not end as the usual `/login` does. */
@Controller('events')
export class EventsController {
  constructor(
    private readonly sessions: SessionService,
    private readonly gate: RequestGate,
  ) {}

  /** Signs in, then sets more data than `maxDataSize` allows: the commit fails, nothing stored. */
  @Post('login-too-large')
  @HttpCode(200)
  async loginTooLarge(@Body() body: { userId: string }, @Session() session: Session) {
    await this.sessions.signIn(session, body.userId);
    session.set('blob', TOO_LARGE);
    return { ok: true };
  }

  /** Signs in, then fails: the session is still committed (as a flash before an error is). */
  @Post('login-then-throw')
  async loginThenThrow(@Body() body: { userId: string }, @Session() session: Session) {
    await this.sessions.signIn(session, body.userId);
    throw new BadRequestException('signed in, then failed');
  }

  /** Signs in, then waits at the gate before the commit (to cut the store meanwhile). */
  @Post('login-held')
  @HttpCode(200)
  async loginHeld(@Body() body: { userId: string }, @Session() session: Session) {
    await this.sessions.signIn(session, body.userId);
    await this.gate.pass();
    return { ok: true };
  }

  /** An anonymous session with data (stored), its id answered. */
  @Post('anonymous')
  @HttpCode(200)
  anonymous(@Session() session: Session) {
    session.set('visited', true);
    return { id: session.id };
  }
}
