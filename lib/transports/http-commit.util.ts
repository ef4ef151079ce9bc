import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import { appendSetCookie } from '../http/http-exchange.util.js';
import type { HttpRequestLike, HttpResponseLike } from '../http/http-exchange.util.js';
import type { CookieWriter } from '../session/session-exchange.js';
import { STORE_RETRY_AFTER_SECONDS } from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { existingHttpExchange } from './http.transport.js';

/** A Node `ServerResponse` method this file holds. */
type ResponseMethod = (this: NodeResponse, ...args: unknown[]) => unknown;

/** What a Node `ServerResponse` (and so an Express response) offers that this file uses. */
interface NodeResponse {
  req?: HttpRequestLike;
  write: ResponseMethod;
  end: ResponseMethod;
  headersSent: boolean;
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
  emit(event: 'drain'): boolean;
  destroy(): unknown;
}

/** What a Fastify reply offers to an `onSend` hook that replaces the payload. */
interface FastifyReply {
  code(status: number): unknown;
  header(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
}

/** The answer that replaces a response whose session could not be committed. */
interface FailedCommitAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A response held until its commit is done: the calls to replay, and the original `end`. */
interface Hold {
  calls: Array<[ResponseMethod, unknown[]]>;
  wrote: boolean;
  end: ResponseMethod;
}

const logger = new Logger('SessionCommitter');

/** Marks the request of a GraphQL operation: a failed commit answers it GraphQL's way. */
const GRAPHQL = Symbol('nestjs-sessions.graphql');
/** Marks a response prototype whose `write` and `end` hold for the commit already. */
const HOLDING = Symbol('nestjs-sessions.holding');

/** Responses held right now, until their commit settles (bounded by `storeTimeout`). */
const holds = new Map<object, Hold>();

/** Marks `request` as a GraphQL operation's: a failed commit answers with a GraphQL error. */
export function markGraphqlRequest(request: HttpRequestLike): void {
  (request as { [GRAPHQL]?: true })[GRAPHQL] = true;
}

/**
 * A Fastify `onSend` hook: runs the commit waiting on this request's exchange, if any, before
 * the payload goes out (after the handler, or every resolver of a GraphQL operation, on success
 * and on error alike); a commit that fails answers in its place.
 */
export function commitBeforeSend(
  request: HttpRequestLike,
  reply: FastifyReply & HttpResponseLike,
  payload: unknown,
  done: (error: Error | null, payload?: unknown) => void,
): void {
  const exchange = existingHttpExchange(request);
  const committing = exchange?.hasPendingCommit && exchange.commitPending(cookieWriter(reply));
  if (!committing) {
    done(null, payload);
    return;
  }
  committing.then(
    () => done(null, payload),
    (error: unknown) => {
      const answer = failedCommitAnswer(request, error);
      reply.code(answer.status);
      reply.removeHeader('etag');
      for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
      done(null, answer.body);
    },
  );
}

/**
 * On Express, makes the app's responses (`prototype`, Express's `app.response`) hold `write` and
 * `end`, from the first call of either, while the commit waiting on the request's exchange runs,
 * then replay them in order: its `Set-Cookie` goes out with the headers, as express-session does.
 * A response whose exchange has nothing waiting goes straight through. A held `write` reports
 * back-pressure, and `drain` follows the replay, so a piped stream just waits. Done once per
 * app, on the prototype: nothing is allocated for a response that commits nothing.
 */
export function holdResponsesForCommit(prototype: object): void {
  const target = prototype as NodeResponse & { [HOLDING]?: true };
  if (target[HOLDING]) return;
  target[HOLDING] = true;
  const { write, end } = target;
  target.write = function (this: NodeResponse, ...args: unknown[]) {
    return held(this, write, args, end) ? false : write.apply(this, args);
  };
  target.end = function (this: NodeResponse, ...args: unknown[]) {
    return held(this, end, args, end) ? this : end.apply(this, args);
  };
}

/** Holds the call when `response` waits for (or must start) its commit; `false` otherwise. */
function held(
  response: NodeResponse,
  method: ResponseMethod,
  args: unknown[],
  end: ResponseMethod,
) {
  let hold = holds.get(response);
  if (!hold) {
    const exchange = response.req && existingHttpExchange(response.req);
    if (!exchange?.hasPendingCommit) return false;
    const committing = exchange.commitPending(cookieWriter(response));
    if (!committing) return false; // committed at once: the call goes through
    hold = { calls: [], wrote: false, end };
    holds.set(response, hold);
    const holding = hold;
    committing.then(
      () => release(response, holding),
      (error: unknown) => answerFailure(response, holding, error),
    );
  }
  hold.calls.push([method, args]);
  if (method !== end) hold.wrote = true;
  return true;
}

function release(response: NodeResponse, hold: Hold): void {
  holds.delete(response);
  for (const [method, args] of hold.calls) method.apply(response, args);
  if (hold.wrote) response.emit('drain');
}

/**
 * A commit that failed answers in place of the response, unless the app already sent its
 * headers itself (then too late: replayed as it was); a streamed body, whose first part was
 * held, is cut off (its changes were not saved: the client must not take it for a success).
 */
function answerFailure(response: NodeResponse, hold: Hold, error: unknown): void {
  if (response.headersSent) return release(response, hold);
  holds.delete(response);
  if (hold.wrote) {
    logger.error(SESSION_MESSAGES.commitFailed(), error);
    response.destroy();
    return;
  }
  const answer = failedCommitAnswer(response.req, error);
  response.statusCode = answer.status;
  response.removeHeader('ETag');
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  hold.end.call(response, answer.body);
}

/** `Set-Cookie` headers appended to an Express or Fastify response, while its headers are not sent. */
function cookieWriter(response: HttpResponseLike): CookieWriter {
  return {
    append: (setCookie) => {
      const sent = (response as { headersSent?: boolean }).headersSent === true;
      if (!sent) appendSetCookie(response, setCookie); // the app sent its headers itself
    },
  };
}

/**
 * The answer in place of a response whose session could not be committed (its changes are
 * lost), as Nest's filters would have given it: a store outage (already logged by the store
 * gate) 503 with `Retry-After`; an `HttpException` (e.g. `SessionDataError`) its own status and
 * body; anything else 500, logged. A GraphQL operation gets a GraphQL-shaped error instead.
 */
function failedCommitAnswer(
  request: HttpRequestLike | undefined,
  error: unknown,
): FailedCommitAnswer {
  const outage = error instanceof SessionStoreUnavailableException;
  const known = error instanceof HttpException;
  if (!known) logger.error(SESSION_MESSAGES.commitFailed(), error);
  const status = known ? error.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
  const graphql = (request as { [GRAPHQL]?: true } | undefined)?.[GRAPHQL] === true;
  const body = JSON.stringify(graphql ? graphqlError(error, outage) : httpError(error, status));
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (outage) headers['retry-after'] = String(STORE_RETRY_AFTER_SECONDS);
  return { status, headers, body };
}

function httpError(error: unknown, status: number): object {
  if (!(error instanceof HttpException)) {
    return { statusCode: status, message: 'Internal server error' };
  }
  const response = error.getResponse();
  return typeof response === 'object' ? response : { statusCode: status, message: response };
}

function graphqlError(error: unknown, outage: boolean): object {
  const message = error instanceof HttpException ? error.message : SESSION_MESSAGES.commitFailed();
  const code = outage ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
  return { data: null, errors: [{ message, extensions: { code } }] };
}
