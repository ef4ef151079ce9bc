import type { IncomingHttpHeaders } from 'node:http';
import { clientIp, userAgent } from '../http/http-exchange.util.js';
import type { HttpRequestLike } from '../http/http-exchange.util.js';
import type { SessionOrigin } from '../session/session-exchange.js';

/**
 * A connected socket as the session sees it: a `socket.io` `Socket` or a `ws` `WebSocket`
 * (both event emitters). Declared structurally, so neither package appears in our types.
 */
export interface SocketClient {
  once(event: string, listener: () => void): unknown;
}

/** What a socket's handshake carried: its `Cookie` header and who opened it. */
export interface SocketHandshake {
  cookieHeader: string | undefined;
  origin: SessionOrigin;
}

interface IoSocketLike {
  handshake: { headers: IncomingHttpHeaders; address?: string };
  disconnect(close?: boolean): unknown;
}

interface WsClientLike {
  /** The `net.Socket` under a `ws` client (not public in `ws`, but stable across its versions). */
  _socket?: object;
  close(code?: number, reason?: string): unknown;
}

/** WebSocket close code for "policy violation": the session it relied on has ended. */
const SESSION_ENDED_CODE = 1008;
const NO_HANDSHAKE: SocketHandshake = {
  cookieHeader: undefined,
  origin: { userAgent: null, ip: null },
};

/** Upgrade requests seen on the app's HTTP server, by their `net.Socket` (see `ws-upgrade.capture.ts`). */
const upgrades = new WeakMap<object, SocketHandshake>();

/** Remembers the handshake of an upgrade request, for the `ws` client made from it. */
export function rememberUpgrade(request: HttpRequestLike & { socket: object }): void {
  upgrades.set(request.socket, handshakeOfRequest(request));
}

/**
 * The handshake of `client`: `socket.io` keeps it (`client.handshake`); a `ws` client does
 * not, so it is the upgrade request captured on the app's HTTP server for its `net.Socket`.
 * A `ws` gateway on a port of its own was not captured: no cookie, an anonymous session.
 */
export function handshakeOf(client: object): SocketHandshake {
  if (isIoSocket(client)) {
    const { headers, address } = client.handshake;
    return handshakeOfRequest({ headers, socket: { remoteAddress: address } });
  }
  const socket = (client as WsClientLike)._socket;
  return (socket && upgrades.get(socket)) ?? NO_HANDSHAKE;
}

/** Runs `listener` once `client` is disconnected. */
export function onSocketClosed(client: SocketClient, listener: () => void): void {
  client.once(isIoSocket(client) ? 'disconnect' : 'close', listener);
}

/** Disconnects `client`: `socket.io` without reconnecting, `ws` with close code 1008. */
export function closeSocket(client: object): void {
  if (isIoSocket(client)) client.disconnect(true);
  else (client as WsClientLike).close(SESSION_ENDED_CODE, 'Session ended');
}

function isIoSocket(client: object): client is IoSocketLike {
  const handshake = (client as Partial<IoSocketLike>).handshake;
  return typeof handshake === 'object' && handshake !== null && 'headers' in handshake;
}

function handshakeOfRequest(request: HttpRequestLike): SocketHandshake {
  const cookie = request.headers.cookie;
  return { cookieHeader: cookie, origin: { userAgent: userAgent(request), ip: clientIp(request) } };
}
