import type { ExecutionContext } from '@nestjs/common';
import type { CookieWriter, SessionExchange } from './session-exchange.js';

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
}
