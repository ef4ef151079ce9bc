import type { ExecutionContext } from '@nestjs/common';
import type { CookieWriter, SessionExchange } from '../session/session-exchange.js';

/**
 * What differs per Nest transport, and nothing else: which execution contexts it handles,
 * the exchange such a context belongs to (made on first sight, the same one for every guard,
 * interceptor and parameter of that exchange), and where its `Set-Cookie` goes.
 *
 * @internal
 */
export interface SessionTransport {
  handles(context: ExecutionContext): boolean;
  exchange(context: ExecutionContext): SessionExchange;
  /** `null` where the transport cannot set a cookie (a socket after its handshake). */
  cookieWriter(context: ExecutionContext): CookieWriter | null;
  /**
   * Refuses an exchange that needs a signed-in session, the way this transport's clients
   * understand (`AuthGuard`): e.g. 401, or 303 to `loginPath` for a browser, over HTTP.
   */
  rejectUnauthenticated(context: ExecutionContext, loginPath: string | undefined): never;
}
