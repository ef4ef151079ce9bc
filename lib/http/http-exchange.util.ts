import type { IncomingHttpHeaders } from 'node:http';

/** The parts of an Express or Fastify request the library reads. */
export interface HttpRequestLike {
  headers: IncomingHttpHeaders;
  ip?: string;
  method?: string;
  socket?: { remoteAddress?: string };
  /** Express: the path and query as the client sent them (before any router stripped a mount). */
  originalUrl?: string;
  /** Fastify and Node: the path and query. */
  url?: string;
}

/** An Express `Response`, a Fastify `FastifyReply`, or a plain `ServerResponse`. */
export type HttpResponseLike = object;

interface ExpressResponse {
  append(name: string, value: string): unknown;
}
interface FastifyReply {
  header(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}
interface NodeResponse {
  getHeader(name: string): unknown;
  setHeader(name: string, value: string | string[]): unknown;
}

/** Adds a `Set-Cookie` header without replacing those the app has set. */
export function appendSetCookie(response: HttpResponseLike, cookie: string): void {
  if (hasMethod<ExpressResponse>(response, 'append')) {
    response.append('Set-Cookie', cookie);
  } else if (hasMethod<FastifyReply>(response, 'header')) {
    response.header('set-cookie', cookie); // Fastify appends set-cookie values
  } else if (hasMethod<NodeResponse>(response, 'setHeader')) {
    const current = response.getHeader('set-cookie');
    response.setHeader('set-cookie', [current ?? []].flat().map(String).concat(cookie));
  }
}

/** Sets (replaces) a response header on any supported response object. */
export function setResponseHeader(response: HttpResponseLike, name: string, value: string): void {
  if (hasMethod<NodeResponse>(response, 'setHeader')) {
    response.setHeader(name, value); // Express responses are Node responses
  } else if (hasMethod<FastifyReply>(response, 'header')) {
    response.header(name, value);
  }
}

export function clientIp(request: HttpRequestLike): string | null {
  return request.ip ?? request.socket?.remoteAddress ?? null;
}

export function userAgent(request: HttpRequestLike): string | null {
  return request.headers['user-agent']?.slice(0, 512) ?? null;
}

export function acceptsHtml(request: HttpRequestLike): boolean {
  return request.headers.accept?.includes('text/html') ?? false;
}

function hasMethod<T>(value: object, name: string): value is T & object {
  return typeof (value as Record<string, unknown>)[name] === 'function';
}

/** The path and query the client asked for, e.g. to come back to after signing in again. */
export function requestPath(request: HttpRequestLike): string {
  return request.originalUrl ?? request.url ?? '/';
}
