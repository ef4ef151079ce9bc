import type { ArgumentsHost, ExecutionContext } from '@nestjs/common';
import type { HttpRequestLike, HttpResponseLike } from '../http/http-exchange.util.js';
import type { SessionExchange } from '../session/session-exchange.js';

/** The HTTP request (and response, when reachable) an exchange rides on. */
export interface HttpCarrier {
  request: HttpRequestLike;
  response: HttpResponseLike | undefined;
}

/**
 * What differs per Nest transport, and nothing else: which execution contexts it handles and
 * the exchange such a context belongs to (made on first sight, the same one for every guard,
 * interceptor and parameter of that exchange, and told by its transport where its commit and
 * its `Set-Cookie` go).
 *
 * @internal
 */
export interface SessionTransport {
  handles(context: ArgumentsHost): boolean;
  exchange(context: ExecutionContext): SessionExchange;
  /**
   * Refuses an exchange that needs a signed-in session, the way this transport's clients
   * understand (`AuthGuard`): e.g. 401, or 303 to `loginPath` for a browser, over HTTP.
   */
  rejectUnauthenticated(context: ExecutionContext, loginPath: string | undefined): never;
  /**
   * Refuses a signed-in exchange whose sign-in is older than `@RequireFreshAuth` allows: e.g.
   * 403 `ReauthenticationRequired`, or 303 to `loginPath?reauth=1&next=…` for a browser.
   */
  rejectStaleAuthentication(context: ExecutionContext, loginPath: string | undefined): never;
  /**
   * A guard refused the exchange (`AuthGuard`, `CsrfGuard`). An HTTP route's exchange ends there,
   * uncommitted, as if its handler never ran; absent where the exchange goes on regardless (the
   * other resolvers of a GraphQL operation may still change the session).
   */
  refused?(exchange: SessionExchange): void;
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
