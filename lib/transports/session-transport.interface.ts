import type { ArgumentsHost, ExecutionContext } from '@nestjs/common';
import type { HttpRequestLike, HttpResponseLike } from '../http/http-exchange.util.js';
import type { CookieWriter, SessionExchange } from '../session/session-exchange.js';

/** The HTTP request (and response, when reachable) an exchange rides on. */
export interface HttpCarrier {
  request: HttpRequestLike;
  response: HttpResponseLike | undefined;
}

/** Commits an exchange's session, writing its `Set-Cookie` through `writer` (if any). */
export type ExchangeCommit = (writer: CookieWriter | null) => Promise<void>;

/**
 * What differs per Nest transport, and nothing else: which execution contexts it handles,
 * the exchange such a context belongs to (made on first sight, the same one for every guard,
 * interceptor and parameter of that exchange), and where its `Set-Cookie` goes.
 *
 * @internal
 */
export interface SessionTransport {
  handles(context: ArgumentsHost): boolean;
  exchange(context: ExecutionContext): SessionExchange;
  /** `null` where the transport cannot set a cookie (a socket after its handshake). */
  cookieWriter(context: ExecutionContext): CookieWriter | null;
  /**
   * Refuses an exchange that needs a signed-in session, the way this transport's clients
   * understand (`AuthGuard`): e.g. 401, or 303 to `loginPath` for a browser, over HTTP.
   */
  rejectUnauthenticated(context: ExecutionContext, loginPath: string | undefined): never;
  /**
   * Where the exchange's commit runs. Absent, or `false` returned: `SessionInterceptor` commits
   * right after each handler (an HTTP route). A transport whose exchange spans several handlers
   * (the resolvers of one GraphQL operation, all sharing one HTTP request) takes `commit` over,
   * runs it once before its response goes out, and returns `true`.
   */
  deferCommit?(context: ExecutionContext, commit: ExchangeCommit): boolean;
  /**
   * The HTTP request the exchange rides on, for guards that read it (`CsrfGuard`,
   * `SessionThrottlerGuard`). Absent: `context.switchToHttp()` has it.
   */
  http?(context: ExecutionContext): HttpCarrier | undefined;
  /**
   * Answers a store outage (`SessionStoreUnavailableException`) the way this transport's
   * clients understand, for `SessionStoreUnavailableFilter`; what it returns is the filter's
   * result (a GraphQL error for the field). Absent: an HTTP 503 with `Retry-After`.
   */
  answerStoreUnavailable?(exception: Error, host: ArgumentsHost): unknown;
}
