import { ForbiddenException, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { requireTransport } from '../transports/session-transports.js';
import type { SessionTransport } from '../transports/session-transport.interface.js';
import type { HttpRequestLike } from '../http/http-exchange.util.js';
import {
  CSRF_FIELD,
  CSRF_HEADER,
  CSRF_KEY,
  CSRF_SAFE_METHODS,
  CSRF_TRUSTED_FETCH_SITES,
} from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { SessionExchange } from '../session/session-exchange.js';
import type { Session } from '../session/session.interface.js';
import { SessionLoader } from '../session/session.loader.js';

/** A request as `CsrfGuard` reads it: headers, method and the parsed body, if any. */
export interface CsrfRequest extends HttpRequestLike {
  body?: unknown;
}

/**
 * Refuses cross-site request forgery on unsafe methods (anything but GET, HEAD and
 * OPTIONS) with 403:
 *
 * 1. the request must come from the app's own pages: `Sec-Fetch-Site`, when the browser
 *    sends it, must be `same-origin` or `none`; otherwise an `Origin` header, when
 *    present, must name the request's own `Host`;
 * 2. it must carry the session's token (`session.csrfToken()`) in the `x-csrf-token`
 *    header or a `_csrf` form field, compared in constant time. A session that has no
 *    token yet fails: render `session.csrfToken()` into the page first.
 *
 * `@UseGuards(AuthGuard, CsrfGuard)` on a route or a GraphQL mutation (the HTTP request that
 * carries the operation is checked; send the token in `x-csrf-token`), or `{ provide:
 * APP_GUARD, useClass: CsrfGuard }`. Urlencoded forms are parsed by both Nest adapters out
 * of the box. Each decision is a `protected` method: extend the guard to change one (e.g.
 * `expectedHost()` behind a proxy that rewrites `Host`).
 *
 * @publicApi
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(protected readonly loader: SessionLoader) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const transport = requireTransport(context);
    const request = this.getRequest(context, transport);
    if (this.isSafeMethod(request)) return true;
    const exchange = transport.exchange(context);
    try {
      return await this.check(request, exchange);
    } catch (error) {
      transport.refused?.(exchange);
      throw error;
    }
  }

  private async check(request: HttpRequestLike, exchange: SessionExchange): Promise<boolean> {
    if (!this.isSameOrigin(request)) this.reject(SESSION_MESSAGES.csrfCrossSite());
    const { handle } = await this.loader.load(exchange);
    const expected = this.expectedToken(handle);
    if (expected === undefined) this.reject(SESSION_MESSAGES.csrfNoSessionToken());
    const submitted = this.submittedToken(request);
    if (submitted === undefined) this.reject(SESSION_MESSAGES.csrfTokenMissing());
    if (!this.tokensMatch(submitted, expected)) this.reject(SESSION_MESSAGES.csrfTokenMismatch());
    return true;
  }

  /** The HTTP request checked: a route's, or the one carrying a GraphQL operation. */
  protected getRequest(context: ExecutionContext, transport: SessionTransport): CsrfRequest {
    const carried = transport.http?.(context)?.request;
    return carried ?? context.switchToHttp().getRequest<CsrfRequest>();
  }

  /** Methods that must not change anything pass unchecked. */
  protected isSafeMethod(request: CsrfRequest): boolean {
    return CSRF_SAFE_METHODS.includes((request.method ?? 'GET').toUpperCase());
  }

  /**
   * `Sec-Fetch-Site` when the browser sends it (every current one does), else `Origin`
   * against `Host`. A request with neither (curl, an old browser) passes this check and
   * still needs the token.
   */
  protected isSameOrigin(request: CsrfRequest): boolean {
    const fetchSite = singleHeader(request, 'sec-fetch-site');
    if (fetchSite !== undefined) return CSRF_TRUSTED_FETCH_SITES.includes(fetchSite.toLowerCase());
    const origin = singleHeader(request, 'origin');
    if (origin === undefined) return true;
    const host = this.expectedHost(request);
    return host !== undefined && sameHost(origin, host);
  }

  /** The host (and port) this app is reached at: the request's `Host` header. */
  protected expectedHost(request: CsrfRequest): string | undefined {
    return singleHeader(request, 'host');
  }

  /** The session's token, or `undefined` when it has none yet (never creates one). */
  protected expectedToken(session: Session): string | undefined {
    const token = session.get(CSRF_KEY);
    return typeof token === 'string' && token.length > 0 ? token : undefined;
  }

  /** The token the client sent: the `x-csrf-token` header, else the `_csrf` body field. */
  protected submittedToken(request: CsrfRequest): string | undefined {
    const header = singleHeader(request, CSRF_HEADER);
    if (header !== undefined && header.length > 0) return header;
    const { body } = request;
    if (typeof body !== 'object' || body === null) return undefined;
    const field = (body as Record<string, unknown>)[CSRF_FIELD];
    return typeof field === 'string' && field.length > 0 ? field : undefined;
  }

  /** Constant-time comparison (for tokens of the same length; others differ anyway). */
  protected tokensMatch(submitted: string, expected: string): boolean {
    const a = Buffer.from(submitted);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  protected reject(message: string): never {
    throw new ForbiddenException(message);
  }
}

function singleHeader(request: CsrfRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Whether `origin` (e.g. `https://a.example`) names `host` (e.g. `a.example:443`). */
function sameHost(origin: string, host: string): boolean {
  try {
    const { protocol, host: originHost } = new URL(origin);
    return new URL(`${protocol}//${host}`).host === originHost;
  } catch {
    return false; // `Origin: null` (sandboxed frames, some redirects) or garbage
  }
}
