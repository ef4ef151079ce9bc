import { Inject, Injectable, Logger } from '@nestjs/common';
import { cookieValues } from '../cookie/cookie-header.util.js';
import { SessionCookieStrategy } from '../cookie/session-cookie.strategy.js';
import type { LoadedSession, SessionExchange } from './session-exchange.js';
import type { ResolvedSessionOptions } from '../options/session-options.interface.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { SessionRecord } from '../stores/session-record.interface.js';
import { invalidSessionFields } from './session-data.validator.js';
import { SessionExpiryPolicy } from './session-expiry.policy.js';
import { SessionCommitter } from './session.committer.js';
import { SessionHandle } from './session.handle.js';
import type { SessionRuntime } from './session-state.js';

/**
 * Loads an exchange's session lazily, once, for whoever asks first (guard, `@Session()`,
 * service): the cookie's values, read by the cookie strategy, checked against the timeouts
 * and `dataClass`. A missing, badly signed or malformed cookie gives a fresh anonymous
 * session without any store call.
 */
@Injectable()
export class SessionLoader {
  private readonly logger = new Logger('SessionLoader');
  /** What a handle needs to act on the store by itself (regenerate, destroy). */
  private readonly runtime: SessionRuntime;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly cookies: SessionCookieStrategy,
    private readonly expiry: SessionExpiryPolicy,
    private readonly committer: SessionCommitter,
  ) {
    this.runtime = {
      newToken: () => cookies.newToken(),
      deleteStored: (id) => cookies.delete(id),
      expiryOf: (session) => expiry.expiryOf(session),
    };
  }

  /** The exchange's session; loading it hands the exchange's commit to its transport. */
  load(exchange: SessionExchange): Promise<LoadedSession> {
    return exchange.session(
      () => this.read(exchange),
      (writer) => this.committer.commit(exchange, writer),
    );
  }

  protected async read(exchange: SessionExchange): Promise<LoadedSession> {
    const values = cookieValues(exchange.cookieHeader, this.options.cookie.name);
    const now = new Date();
    const found = values.length === 0 ? null : await this.cookies.read(values, now);
    if (found && this.isUsable(found.record, now)) {
      const handle = SessionHandle.loaded(this.runtime, found.token, found.record);
      return { handle, cookieSent: true };
    }
    return {
      handle: SessionHandle.fresh(this.runtime, exchange.origin),
      cookieSent: values.length > 0,
    };
  }

  /**
   * Idle and absolute timeouts as configured now, whatever the store computed before; data
   * that is a JSON object and, with `dataClass`, passes it. Unusable data is logged.
   */
  protected isUsable(record: SessionRecord, now: Date): boolean {
    if (this.expiry.isExpired(record, now)) return false;
    const stored: unknown = record.data;
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
      const kind =
        stored === null ? 'null' : Array.isArray(stored) ? 'an array' : `a ${typeof stored}`;
      this.logger.warn(SESSION_MESSAGES.discardedNonObjectSessionData(kind));
      return false;
    }
    if (!this.options.dataClass) return true;
    const fields = invalidSessionFields(this.options.dataClass, record.data);
    if (fields.length === 0) return true;
    this.logger.warn(SESSION_MESSAGES.discardedSessionData(fields));
    return false;
  }
}
