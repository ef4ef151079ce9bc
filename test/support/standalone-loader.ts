import { SessionTokenCodec } from '../../lib/cookie/session-token.codec.js';
import type { ResolvedSessionOptions } from '../../lib/options/session-options.interface.js';
import { cookieStrategyFor } from '../../lib/session-store.providers.js';
import { SessionCommitter } from '../../lib/session/session.committer.js';
import { SessionExpiryPolicy } from '../../lib/session/session-expiry.policy.js';
import { SessionLoader } from '../../lib/session/session.loader.js';
import { SessionStoreGate } from '../../lib/stores/session-store.gate.js';
import type { SessionStore } from '../../lib/stores/session.store.js';

/** A `SessionLoader` wired by hand as `SessionModule` wires it, for tests without an app. */
export function standaloneLoader(
  options: ResolvedSessionOptions,
  store: SessionStore,
): SessionLoader {
  const codec = new SessionTokenCodec(options.secrets);
  const cookies = cookieStrategyFor(store, codec, new SessionStoreGate(options.storeTimeout));
  const committer = new SessionCommitter(options, cookies);
  return new SessionLoader(options, cookies, new SessionExpiryPolicy(options), committer);
}
