import { HttpException, HttpStatus, UnauthorizedException } from '@nestjs/common';
import {
  acceptsHtml,
  clientIp,
  requestPath,
  setResponseHeader,
  userAgent,
} from '../http/http-exchange.util.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { HttpRequestLike, HttpResponseLike } from '../http/http-exchange.util.js';
import { SessionExchange } from '../session/session-exchange.js';
import type { SessionTransport } from './session-transport.interface.js';

/** Where a request keeps its exchange: a property, cheaper than a WeakMap entry per request. */
const EXCHANGE = Symbol('nestjs-sessions.exchange');

type CarryingRequest = HttpRequestLike & { [EXCHANGE]?: SessionExchange };

/**
 * The exchange of an HTTP request, made once and kept with the request (it dies with it). Its
 * commit, left on it when its session is first loaded, runs before the response goes out (see
 * `http-commit.util.ts`).
 */
export function httpExchange(request: HttpRequestLike): SessionExchange {
  const carrying = request as CarryingRequest;
  return (carrying[EXCHANGE] ??= new SessionExchange(request.headers.cookie, () => ({
    userAgent: userAgent(request),
    ip: clientIp(request),
  })));
}

/** The exchange of `request` if anything made one, without making one. */
export function existingHttpExchange(request: object): SessionExchange | undefined {
  return (request as CarryingRequest)[EXCHANGE];
}

/**
 * HTTP controllers on Express and Fastify: the cookie comes from the request's `Cookie`
 * header, goes out as `Set-Cookie` on the response, and the exchange is the request.
 */
export const HTTP_TRANSPORT: SessionTransport = {
  handles: (context) => context.getType() === 'http',
  exchange: (context) => httpExchange(context.switchToHttp().getRequest<HttpRequestLike>()),
  rejectUnauthenticated: (context, loginPath) => {
    const http = context.switchToHttp();
    rejectHttp(http.getRequest<HttpRequestLike>(), http.getResponse<object>(), loginPath);
  },
  rejectStaleAuthentication: (context, loginPath) => {
    const http = context.switchToHttp();
    rejectStaleHttp(http.getRequest<HttpRequestLike>(), http.getResponse<object>(), loginPath);
  },
  refused: (exchange) => exchange.refuse(),
};

/**
 * 303 to `loginPath?reauth=1&next=<path>` for a browser when `loginPath` is set, else 403 with
 * `{ "statusCode": 403, "error": "ReauthenticationRequired" }`.
 */
export function rejectStaleHttp(
  request: HttpRequestLike,
  response: HttpResponseLike,
  loginPath: string | undefined,
): never {
  if (loginPath !== undefined && acceptsHtml(request)) {
    const next = encodeURIComponent(requestPath(request));
    redirect(response, `${loginPath}${loginPath.includes('?') ? '&' : '?'}reauth=1&next=${next}`);
  }
  throw new HttpException(
    { statusCode: HttpStatus.FORBIDDEN, error: SESSION_MESSAGES.reauthenticationRequired() },
    HttpStatus.FORBIDDEN,
  );
}

function redirect(response: HttpResponseLike, location: string): never {
  setResponseHeader(response, 'Location', location);
  throw new HttpException({ statusCode: HttpStatus.SEE_OTHER, location }, HttpStatus.SEE_OTHER);
}

/** 303 to `loginPath` for a browser (`Accept: text/html`) when it is set, else 401 with JSON. */
export function rejectHttp(
  request: HttpRequestLike,
  response: HttpResponseLike,
  loginPath: string | undefined,
): never {
  if (loginPath !== undefined && acceptsHtml(request)) redirect(response, loginPath);
  throw new UnauthorizedException(SESSION_MESSAGES.unauthenticated());
}
