import { ConflictException } from '@nestjs/common';
import { SESSION_MESSAGES } from '../session.messages.js';

/**
 * `signIn` refused by `maxSessionsPerUser: { whenExceeded: 'refuse' }`: the user already holds
 * `max` live sessions. Unhandled, it answers 409 with
 * `{ "statusCode": 409, "error": "TooManySessions", "message": … }`; catch it to show the user
 * their devices instead. Nothing was written: the session is as it was before `signIn`.
 *
 * @publicApi
 */
export class TooManySessionsException extends ConflictException {
  constructor(readonly max: number) {
    super({
      statusCode: 409,
      error: 'TooManySessions',
      message: SESSION_MESSAGES.tooManySessions(max),
    });
    this.name = 'TooManySessionsException';
  }
}
