import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import type { HttpRequestLike, HttpResponseLike } from '../http/http-exchange.util.js';
import { STORE_RETRY_AFTER_SECONDS } from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { isFastifyRequest } from './graphql-context.util.js';
import { httpCookieWriter } from './http.transport.js';
import type { ExchangeCommit, HttpCarrier } from './session-transport.interface.js';

/** What a Node `ServerResponse` (and so an Express response) offers that this file uses. */
interface NodeResponse {
  end: (this: NodeResponse, ...args: unknown[]) => unknown;
  headersSent: boolean;
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
}

/** What a Fastify reply offers to an `onSend` hook that replaces the payload. */
interface FastifyReply {
  code(status: number): unknown;
  header(name: string, value: string): unknown;
}

/** The answer that replaces a GraphQL response whose session could not be committed. */
interface FailedCommitAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const logger = new Logger('SessionCommitter');

/** Requests whose commit is taken over already: one per HTTP request, whatever the resolvers. */
const deferred = new WeakSet<object>();
/** Commits waiting for a Fastify reply's `onSend` (see `GraphqlCommitHook`). */
const fastifyCommits = new WeakMap<object, ExchangeCommit>();

/**
 * Takes a GraphQL operation's commit over, once per HTTP request, so that it runs after every
 * resolver and before the response goes out: on Fastify (Apollo or Mercurius) from the reply's
 * `onSend` hook; on Express by holding the response's `end` until the commit is done, as
 * express-session does. `false` when the response is out of reach (the caller commits at once).
 */
export function deferGraphqlCommit(http: HttpCarrier, commit: ExchangeCommit): boolean {
  const { request, response } = http;
  if (deferred.has(request)) return true;
  if (isFastifyRequest(request)) {
    fastifyCommits.set(request, commit);
  } else if (isNodeResponse(response)) {
    commitBeforeEnd(response, commit);
  } else {
    return false;
  }
  deferred.add(request);
  return true;
}

/**
 * A Fastify `onSend` hook: runs the commit scheduled for this request, if any, before the
 * payload goes out; a commit that fails answers in its place (503 and `Retry-After` for a store
 * outage).
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
  commit(httpCookieWriter(reply)).then(
    () => done(null, payload),
    (error: unknown) => {
      const answer = failedCommitAnswer(error);
      reply.code(answer.status);
      for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
      done(null, answer.body);
    },
  );
}

/** Holds `response.end` until the commit is done; its `Set-Cookie` goes out with the headers. */
function commitBeforeEnd(response: NodeResponse, commit: ExchangeCommit): void {
  const end = response.end;
  response.end = (...args: unknown[]) => {
    response.end = end;
    commit(httpCookieWriter(response)).then(
      () => end.apply(response, args),
      (error: unknown) => {
        if (response.headersSent) return end.apply(response, args); // streamed: too late
        const answer = failedCommitAnswer(error);
        response.statusCode = answer.status;
        response.removeHeader('ETag');
        for (const [name, value] of Object.entries(answer.headers)) {
          response.setHeader(name, value);
        }
        return end.call(response, answer.body);
      },
    );
    return response;
  };
}

/**
 * A GraphQL-shaped JSON error in place of the operation's result: its changes were not saved.
 * A store outage (already logged by the store gate) answers 503 with `Retry-After`, as over
 * HTTP; an `HttpException` (e.g. `SessionDataError`) its own status; anything else 500, logged.
 */
function failedCommitAnswer(error: unknown): FailedCommitAnswer {
  const outage = error instanceof SessionStoreUnavailableException;
  const known = error instanceof HttpException;
  if (!known) logger.error(SESSION_MESSAGES.graphqlCommitFailed(), error);
  const status = known ? error.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
  const message = known ? error.message : SESSION_MESSAGES.graphqlCommitFailed();
  const code = outage ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
  const body = JSON.stringify({ data: null, errors: [{ message, extensions: { code } }] });
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (outage) headers['retry-after'] = String(STORE_RETRY_AFTER_SECONDS);
  return { status, headers, body };
}

function isNodeResponse(response: HttpResponseLike | undefined): response is NodeResponse {
  const candidate = response as Partial<NodeResponse> | undefined;
  return typeof candidate?.end === 'function' && typeof candidate.setHeader === 'function';
}
