import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import { appendSetCookie } from '../http/http-exchange.util.js';
import type { HttpRequestLike, HttpResponseLike } from '../http/http-exchange.util.js';
import type { CookieWriter, ExchangeCommit } from '../session/session-exchange.js';
import { STORE_RETRY_AFTER_SECONDS } from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { isFastifyRequest } from './graphql-context.util.js';

/** What a Node `ServerResponse` (and so an Express response) offers that this file uses. */
interface NodeResponse {
  write: (this: NodeResponse, ...args: unknown[]) => boolean;
  end: (this: NodeResponse, ...args: unknown[]) => unknown;
  headersSent: boolean;
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
  emit(event: 'drain'): boolean;
  destroy(error?: Error): unknown;
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

const logger = new Logger('SessionCommitter');

/** Commits waiting for a Fastify reply's `onSend` (see `HttpCommitHook`). */
const fastifyCommits = new WeakMap<object, ExchangeCommit>();
/** Requests a GraphQL operation rides on: a failed commit answers them GraphQL's way. */
const graphqlRequests = new WeakSet<object>();

/**
 * Runs an HTTP exchange's commit once, after its handler (or every resolver of its GraphQL
 * operation) and before its response goes out, on success and on error alike: on Fastify from
 * the reply's `onSend` hook; on Express by holding the response's `write` and `end` until the
 * commit is done, so that its `Set-Cookie` goes out with the headers (as express-session does).
 * No interceptor: a route that never loads its session pays nothing. `false` for a request
 * without a response to hold (the commit then waits on its exchange).
 */
export function commitBeforeResponse(request: HttpRequestLike, commit: ExchangeCommit): boolean {
  if (isFastifyRequest(request)) {
    fastifyCommits.set(request, commit);
    return true;
  }
  const response = (request as { res?: unknown }).res;
  if (!isNodeResponse(response)) return false; // not a request Nest's adapters give
  commitBeforeHeaders(response, request, commit);
  return true;
}

/** Marks `request` as a GraphQL operation's: a failed commit answers with a GraphQL error. */
export function markGraphqlRequest(request: HttpRequestLike): void {
  graphqlRequests.add(request);
}

/**
 * A Fastify `onSend` hook: runs the commit scheduled for this request, if any, before the
 * payload goes out; a commit that fails answers in its place.
 */
export function commitBeforeSend(
  request: HttpRequestLike,
  reply: FastifyReply & HttpResponseLike,
  payload: unknown,
  done: (error: Error | null, payload?: unknown) => void,
): void {
  const commit = fastifyCommits.get(request);
  if (!commit) {
    done(null, payload);
    return;
  }
  fastifyCommits.delete(request);
  commit(cookieWriter(reply)).then(
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

/** `Set-Cookie` headers appended to an Express or Fastify response. */
function cookieWriter(response: HttpResponseLike): CookieWriter {
  return {
    append: (setCookie) => {
      const sent = (response as { headersSent?: boolean }).headersSent === true;
      if (!sent) appendSetCookie(response, setCookie); // the app sent its headers itself
    },
  };
}

/**
 * Holds `write` and `end` from the first call of either until the commit is done, then replays
 * them in order; a held `write` reports back-pressure, and `drain` follows the replay, so a piped
 * stream just waits. A commit that fails answers in place of the response, unless the app
 * already sent its headers itself; a streamed body, whose first part was held, is cut off
 * (its changes were not saved: the client must not take it for a success).
 */
function commitBeforeHeaders(
  response: NodeResponse,
  request: HttpRequestLike,
  commit: ExchangeCommit,
): void {
  const { write, end } = response;
  const held: Array<() => unknown> = [];
  let [started, wrote] = [false, false];
  const restore = () => {
    response.write = write;
    response.end = end;
  };
  const start = () => {
    if (started) return;
    started = true;
    commit(cookieWriter(response)).then(
      () => {
        restore();
        for (const call of held) call();
        if (wrote) response.emit('drain');
      },
      (error: unknown) => {
        restore();
        if (response.headersSent) return replayAnyway(held);
        if (wrote) {
          logger.error(SESSION_MESSAGES.commitFailed(), error);
          return response.destroy();
        }
        const answer = failedCommitAnswer(request, error);
        response.statusCode = answer.status;
        response.removeHeader('ETag');
        for (const [name, value] of Object.entries(answer.headers)) {
          response.setHeader(name, value);
        }
        end.call(response, answer.body);
      },
    );
  };
  response.write = (...args: unknown[]) => {
    wrote = true;
    held.push(() => write.apply(response, args));
    start();
    return false;
  };
  response.end = (...args: unknown[]) => {
    held.push(() => end.apply(response, args));
    start();
    return response;
  };
}

/** The app sent its headers before its body (`writeHead`): too late to answer otherwise. */
function replayAnyway(held: ReadonlyArray<() => unknown>): void {
  for (const call of held) call();
}

/**
 * The answer in place of a response whose session could not be committed (its changes are
 * lost), as Nest's filters would have given it: a store outage (already logged by the store
 * gate) 503 with `Retry-After`; an `HttpException` (e.g. `SessionDataError`) its own status and
 * body; anything else 500, logged. A GraphQL operation gets a GraphQL-shaped error instead.
 */
function failedCommitAnswer(request: HttpRequestLike, error: unknown): FailedCommitAnswer {
  const outage = error instanceof SessionStoreUnavailableException;
  const known = error instanceof HttpException;
  if (!known) logger.error(SESSION_MESSAGES.commitFailed(), error);
  const status = known ? error.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
  const body = JSON.stringify(
    graphqlRequests.has(request) ? graphqlError(error, outage) : httpError(error, status),
  );
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

function isNodeResponse(response: unknown): response is NodeResponse {
  const candidate = response as Partial<NodeResponse> | undefined;
  return typeof candidate?.end === 'function' && typeof candidate.write === 'function';
}
