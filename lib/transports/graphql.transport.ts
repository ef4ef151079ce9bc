import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { SESSION_MESSAGES } from '../session.messages.js';
import { graphqlHttp } from './graphql-context.util.js';
import { markGraphqlRequest } from './http-commit.util.js';
import { httpExchange } from './http.transport.js';
import type { HttpCarrier, SessionTransport } from './session-transport.interface.js';

/**
 * `AuthGuard`'s refusal in a resolver: a GraphQL error whose `extensions.code` is
 * `'UNAUTHENTICATED'` on every driver (graphql-js copies a thrown error's `extensions`; Nest's
 * Apollo driver maps a 401 to the same code). An `HttpException`, so Nest does not log it.
 */
class GraphqlUnauthenticatedException extends UnauthorizedException {
  readonly extensions = { code: 'UNAUTHENTICATED' };

  constructor() {
    super(SESSION_MESSAGES.unauthenticated());
  }
}

/**
 * `@RequireFreshAuth`'s refusal in a resolver: a GraphQL error `'ReauthenticationRequired'`
 * whose `extensions.code` is `'FORBIDDEN'` on every driver.
 */
class GraphqlReauthenticationRequiredException extends ForbiddenException {
  readonly extensions = { code: 'FORBIDDEN' };

  constructor() {
    super(SESSION_MESSAGES.reauthenticationRequired());
  }
}

/**
 * A store outage in a resolver: the field's error, `extensions.code: 'SERVICE_UNAVAILABLE'`.
 * Not an `HttpException`, whose code Nest's Apollo driver would derive from the status (a 503
 * has none there, so it would read `INTERNAL_SERVER_ERROR`).
 */
class GraphqlStoreUnavailableError extends Error {
  readonly extensions = { code: 'SERVICE_UNAVAILABLE' };

  constructor() {
    super(SESSION_MESSAGES.storeUnavailable());
    this.name = 'GraphqlStoreUnavailableError';
  }
}

function carrier(context: ExecutionContext): HttpCarrier {
  const http = graphqlHttp(context);
  if (!http) throw new Error(SESSION_MESSAGES.noSessionOnRequest());
  return http;
}

/**
 * `@nestjs/graphql` resolvers (Apollo on Express and Fastify, Mercurius on Fastify) whose
 * GraphQL context carries the HTTP request, as every driver's default context does. The
 * exchange is that HTTP request, shared by every resolver of the operation (and by a batch of
 * operations in one request): one load, and one commit, run after the last resolver, before the
 * response goes out, as for any HTTP exchange (see `http-commit.util.ts`); a commit that fails
 * answers with a GraphQL error.
 * Read through the context object only: `@nestjs/graphql` is never loaded from here.
 */
export const GRAPHQL_TRANSPORT: SessionTransport = {
  handles: (context) =>
    context.getType<string>() === 'graphql' && graphqlHttp(context) !== undefined,
  exchange: (context) => {
    const { request } = carrier(context);
    markGraphqlRequest(request);
    return httpExchange(request);
  },
  rejectUnauthenticated: () => {
    throw new GraphqlUnauthenticatedException();
  },
  rejectStaleAuthentication: () => {
    throw new GraphqlReauthenticationRequiredException();
  },
  http: (context) => graphqlHttp(context),
  answerStoreUnavailable: () => new GraphqlStoreUnavailableError(),
};
