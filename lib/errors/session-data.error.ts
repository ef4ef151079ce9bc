import { InternalServerErrorException } from '@nestjs/common';

/**
 * A value a session cannot hold: thrown by `session.set()` for a value JSON does not carry
 * faithfully (a Date, a Map, a BigInt, NaN, a string with a NUL, a circular object, ...), and
 * by the commit when the session's data would exceed `maxDataSize`. A programming error,
 * never a store outage: unhandled, it answers 500 with the message, which names the key (and
 * the path inside the value) and the fix. Nothing is written; the stored value is kept.
 *
 * @publicApi
 */
export class SessionDataError extends InternalServerErrorException {
  constructor(
    message: string,
    /** The session key at fault. */
    readonly key: string,
  ) {
    super(message);
    this.name = 'SessionDataError';
  }
}
