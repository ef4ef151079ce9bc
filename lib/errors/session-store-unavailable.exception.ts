import { ServiceUnavailableException } from '@nestjs/common';
import { SESSION_MESSAGES } from '../session.messages.js';

/**
 * The session store failed (a system fault, e.g. the database is down) or did not answer
 * within `storeTimeout`; `cause` says which. Answered with 503 and `Retry-After` by
 * `SessionStoreUnavailableFilter`; the cookie is left alone, so nobody is signed out by an
 * outage. Never thrown for a programmer's error (`SessionDataError`,
 * `SessionStoreCapabilityError`).
 *
 * @publicApi
 */
export class SessionStoreUnavailableException extends ServiceUnavailableException {
  constructor(cause: unknown) {
    super(SESSION_MESSAGES.storeUnavailable(), { cause });
  }
}
