import { Logger } from '@nestjs/common';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { SessionStoreCapabilityError } from './session.store.js';

const logger = new Logger('SessionStore');

/**
 * Runs a store call on behalf of a request: a system fault becomes a 503
 * (`SessionStoreUnavailableException`), logged once here; a missing capability
 * stays the clear error it is.
 */
export async function guardStoreCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SessionStoreCapabilityError) throw error;
    logger.warn(`${SESSION_MESSAGES.storeFailed(operation)} ${String(error)}`);
    throw new SessionStoreUnavailableException(error);
  }
}
