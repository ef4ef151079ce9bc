import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CachedSessionStore } from './cache/cached-session.store.js';
import { SealedRecordCookie } from './cookie/sealed-record.cookie.js';
import { SessionCookieStrategy } from './cookie/session-cookie.strategy.js';
import { SessionTokenCodec } from './cookie/session-token.codec.js';
import { SignedTokenCookie } from './cookie/signed-token.cookie.js';
import type { ResolvedSessionOptions } from './options/session-options.interface.js';
import { RESOLVED_SESSION_OPTIONS } from './session.constants.js';
import { SESSION_MESSAGES } from './session.messages.js';
import { SealedSessionStore } from './stores/sealed-session.store.js';
import { SessionStoreGate } from './stores/session-store.gate.js';
import { SessionStore, SessionStoreCapabilityError } from './stores/session.store.js';
import { TypeOrmSessionStore } from './stores/typeorm/typeorm-session.store.js';

/**
 * The store and the cookie strategy, chosen once when the module is built: the only place
 * that asks what kind of store the app gave. A sealed store carries the record in the cookie;
 * every other store is looked up by a signed token (and may sit behind the read cache).
 */
export const SESSION_STORE_PROVIDERS: Provider[] = [
  {
    provide: SessionTokenCodec,
    inject: [RESOLVED_SESSION_OPTIONS],
    useFactory: (options: ResolvedSessionOptions) => new SessionTokenCodec(options.secrets),
  },
  {
    provide: SessionStoreGate,
    inject: [RESOLVED_SESSION_OPTIONS],
    useFactory: (options: ResolvedSessionOptions) => new SessionStoreGate(options.storeTimeout),
  },
  {
    provide: SessionStore,
    inject: [RESOLVED_SESSION_OPTIONS, { token: DataSource, optional: true }],
    useFactory: (options: ResolvedSessionOptions, dataSource?: DataSource) => {
      const store = options.store ?? defaultStore(dataSource);
      if (options.maxSessionsPerUser && !store.supports('createWithinLimit')) {
        const problem = SESSION_MESSAGES.optionMaxSessionsStore(store.constructor.name);
        const message = SESSION_MESSAGES.invalidOptions([problem]);
        throw new SessionStoreCapabilityError(store, 'createWithinLimit', message);
      }
      const { enabled, ttl, maxEntries } = options.cache;
      if (!enabled) return store;
      if (store instanceof SealedSessionStore) {
        throw new Error(SESSION_MESSAGES.invalidOptions([SESSION_MESSAGES.optionCacheStore()]));
      }
      return new CachedSessionStore(store, ttl, maxEntries);
    },
  },
  {
    provide: SessionCookieStrategy,
    inject: [SessionStore, SessionTokenCodec, SessionStoreGate],
    useFactory: cookieStrategyFor,
  },
];

/** The cookie strategy of `store`: sealed record for a sealed store, else signed token. */
export function cookieStrategyFor(
  store: SessionStore,
  codec: SessionTokenCodec,
  gate: SessionStoreGate,
): SessionCookieStrategy {
  return store instanceof SealedSessionStore
    ? new SealedRecordCookie(store, codec)
    : new SignedTokenCookie(codec, store, gate);
}

function defaultStore(dataSource: DataSource | undefined): SessionStore {
  if (!dataSource) throw new Error(SESSION_MESSAGES.noDataSource());
  return new TypeOrmSessionStore(dataSource);
}
