import type { ArgumentsHost } from '@nestjs/common';
import type { HttpRequestLike, HttpResponseLike } from '../http/http-exchange.util.js';
import type { HttpCarrier } from './session-transport.interface.js';

type Bag = Record<string, unknown>;

/**
 * The HTTP request and response of a GraphQL operation, read from the driver's context object
 * (the resolvers' third argument) in every shape the drivers give, so that no context function
 * is needed:
 *
 * - Apollo on Express: `{ req }` by default (Express's `req.res` is the response), or
 *   `{ req, res }`;
 * - Apollo on Fastify: `{ req }` (the Fastify request) by default, or with `reply` / `res` added;
 * - Mercurius: `{ req, reply, app }` (Mercurius adds the `reply`, whose `request` is the request).
 *
 * `undefined` when the context carries no HTTP request (a subscription over a WebSocket, or a
 * context function that returns neither `req` nor `request`).
 */
export function graphqlHttp(context: ArgumentsHost): HttpCarrier | undefined {
  const graphql: unknown = context.getArgByIndex(2);
  if (!isBag(graphql)) return undefined;
  const response = [graphql.res, graphql.reply, graphql.response].find(isHttpResponse);
  const request = [graphql.req, graphql.request, response?.request, response?.req].find(
    isHttpRequest,
  );
  if (!request) return undefined;
  const expressResponse = (request as unknown as Bag).res;
  return {
    request,
    response: response ?? (isHttpResponse(expressResponse) ? expressResponse : undefined),
  };
}

function isBag(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null;
}

function isHttpRequest(value: unknown): value is HttpRequestLike {
  return isBag(value) && isBag(value.headers);
}

/** An Express response, a Fastify reply or a Node `ServerResponse`: it can take a header. */
function isHttpResponse(value: unknown): value is HttpResponseLike & Bag {
  return (
    isBag(value) &&
    ['append', 'header', 'setHeader'].some((method) => typeof value[method] === 'function')
  );
}
