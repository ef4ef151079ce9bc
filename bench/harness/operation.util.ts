import {
  BENCH_GRAPHQL_QUERY,
  BENCH_SESSIONS,
  BENCH_SOCKET_EVENT,
  BENCH_USER,
} from '../bench.config.js';
import { transportOf } from '../bench.variants.js';
import type { Variant } from '../bench.variants.js';
import { login } from './http-client.util.js';
import type { HttpLoadRequest, LoadRequest } from './load.process.js';
import { connectSocket } from './socket-client.util.js';

/** What the GraphQL query and the gateway message answer, on every variant: the signed-in user. */
const ME = { userId: BENCH_USER };

/**
 * Signs in on a variant's server (over HTTP, `POST /login`, {@link BENCH_SESSIONS} times) and
 * returns what to load it with: `GET /me` or the GraphQL query `{ me { userId } }` (POST
 * /graphql), cycling through those sessions' cookies, or the gateway message `me` with one. A GraphQL or socket variant is asked once first and must
 * answer the user (a GraphQL error answers HTTP 200: the load then checks every body).
 */
export async function loadRequestFor(variant: Variant, url: string): Promise<LoadRequest> {
  const cookies: string[] = [];
  for (let i = 0; i < BENCH_SESSIONS; i++) cookies.push(await login(url));
  const [cookie] = cookies;
  const transport = transportOf(variant);
  if (transport === 'http') return { kind: 'http', method: 'GET', path: '/me', cookies };
  if (transport === 'apollo' || transport === 'mercurius') {
    const request: HttpLoadRequest = {
      kind: 'http',
      method: 'POST',
      path: '/graphql',
      cookies,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: BENCH_GRAPHQL_QUERY }),
    };
    const body = await send(url, request, cookie);
    const expected = JSON.stringify({ data: { me: ME } });
    if (JSON.stringify(JSON.parse(body)) !== expected)
      throw new Error(`${variant.id}: ${BENCH_GRAPHQL_QUERY} answered ${body}, not ${expected}`);
    return { ...request, expectBody: body };
  }
  const request: LoadRequest = {
    kind: 'socket',
    platform: transport,
    cookie,
    event: BENCH_SOCKET_EVENT,
    expectData: JSON.stringify(ME),
  };
  const operations = await openOperations(request, url);
  try {
    await operations.run(1);
  } finally {
    operations.close();
  }
  return request;
}

/** A client that performs a load request's operation one at a time (for the statement count). */
export interface Operations {
  /** Performs the operation `times` times in sequence; throws on any unexpected answer. */
  run(times: number): Promise<void>;
  close(): void;
}

/** Opens a client for `request` on `url` (a socket connects here, so `run` counts messages only). */
export async function openOperations(request: LoadRequest, url: string): Promise<Operations> {
  if (request.kind === 'http') {
    const cookie = request.cookies[0] ?? '';
    return {
      run: async (times) => {
        for (let i = 0; i < times; i++) {
          const body = await send(url, request, cookie);
          if (request.expectBody !== undefined && body !== request.expectBody)
            throw new Error(`${request.method} ${request.path} answered ${body}`);
        }
      },
      close: () => undefined,
    };
  }
  const socket = await connectSocket(request.platform, url, request.cookie);
  return {
    run: async (times) => {
      for (let i = 0; i < times; i++) {
        const data = await socket.request(request.event);
        if (data !== request.expectData)
          throw new Error(`'${request.event}' over ${request.platform} answered ${data}`);
      }
    },
    close: () => socket.close(),
  };
}

/** One HTTP request of `request` with `cookie`; its body. Throws unless 200. */
async function send(url: string, request: HttpLoadRequest, cookie: string): Promise<string> {
  const res = await fetch(`${url}${request.path}`, {
    method: request.method,
    headers: { ...request.headers, ...(cookie ? { cookie } : {}) },
    body: request.body,
  });
  const body = await res.text();
  if (res.status !== 200)
    throw new Error(`${request.method} ${url}${request.path} answered ${res.status}: ${body}`);
  return body;
}
