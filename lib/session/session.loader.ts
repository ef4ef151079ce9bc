import { Inject, Injectable, Logger } from '@nestjs/common';
import { cookieValues } from '../cookie/cookie-header.util.js';
import { SessionTokenCodec, hashToken } from '../cookie/session-token.codec.js';
import { clientIp, userAgent } from '../http/http-exchange.util.js';
import type { HttpRequestLike } from '../http/http-exchange.util.js';
import type { ResolvedSessionOptions } from '../options/session-options.interface.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { SessionRecord } from '../stores/session-record.interface.js';
import { SealedSessionStore } from '../stores/sealed-session.store.js';
import { SessionStoreGate } from '../stores/session-store.gate.js';
import { SessionStore } from '../stores/session.store.js';
import { invalidSessionFields } from './session-data.validator.js';
import { SessionHandle } from './session.handle.js';
import type { SessionRuntime } from './session.handle.js';
import { pendingSession, rememberSession } from './session.registry.js';
import type { LoadedSession } from './session.registry.js';

/**
 * Loads a request's session lazily, once, for whoever asks first (guard, `@Session()`,
 * service). A missing, badly signed or malformed cookie gives a fresh anonymous
 * session without any store call.
 */
@Injectable()
export class SessionLoader implements SessionRuntime {
  private readonly logger = new Logger('SessionLoader');
  readonly codec: SessionTokenCodec;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly store: SessionStore,
    private readonly gate: SessionStoreGate,
  ) {
    this.codec = new SessionTokenCodec(options.secrets);
  }

  load(request: HttpRequestLike): Promise<LoadedSession> {
    return rememberSession(request, () => this.read(request));
  }

  /** The load already started for this request, if any: nothing asked means nothing to commit. */
  started(request: HttpRequestLike): Promise<LoadedSession> | undefined {
    return pendingSession(request);
  }

  newToken(): string {
    return this.codec.generate();
  }

  deleteStored(id: string): Promise<void> {
    return this.gate.run('delete a session', () => this.store.delete(id));
  }

  expiryOf(createdAt: Date, lastSeenAt: Date): Date {
    const idle = lastSeenAt.getTime() + this.options.idleTimeout;
    const absolute = createdAt.getTime() + this.options.absoluteTimeout;
    return new Date(Math.min(idle, absolute));
  }

  protected async read(request: HttpRequestLike): Promise<LoadedSession> {
    const values = cookieValues(request.headers.cookie, this.options.cookie.name);
    const now = new Date();
    const found = values.length === 0 ? null : await this.lookUp(values, now);
    if (found && this.isUsable(found.record, now)) {
      return { handle: SessionHandle.loaded(this, found.token, found.record), cookieSent: true };
    }
    const origin = { userAgent: userAgent(request), ip: clientIp(request) };
    return { handle: SessionHandle.fresh(this, origin), cookieSent: values.length > 0 };
  }

  /**
   * The record the cookie stands for: the first value that authenticates (a planted cookie
   * of the same name, e.g. from a sibling subdomain, is passed over), opened in place for a
   * sealed store, else looked up by its token.
   */
  private async lookUp(
    values: readonly string[],
    now: Date,
  ): Promise<{ token: string; record: SessionRecord } | null> {
    const store = this.store;
    if (store instanceof SealedSessionStore) {
      const record = firstOf(values, (value) => store.open(value, now));
      return record && { token: '', record }; // the sealed cookie is re-made on write, not signed
    }
    const token = firstOf(values, (value) => this.codec.verify(value));
    if (token === null) return null;
    const record = await this.gate.run('read a session', () => store.find(hashToken(token), now));
    return record && { token, record };
  }

  /**
   * Idle and absolute timeouts as configured now, whatever the store computed before; data
   * that is a JSON object and, with `dataClass`, passes it. Unusable data is logged.
   */
  protected isUsable(record: SessionRecord, now: Date): boolean {
    if (this.expiryOf(record.createdAt, record.lastSeenAt) <= now) return false;
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

/** The first non-null result of `read` over `values`, or `null`. */
function firstOf<T>(values: readonly string[], read: (value: string) => T | null): T | null {
  for (const value of values) {
    const result = read(value);
    if (result !== null) return result;
  }
  return null;
}
