import type { ExecutionContext } from '@nestjs/common';
import { SessionStoreUnavailableException } from '../errors/session-store-unavailable.exception.js';
import { USES_SESSION_KEY } from '../session.constants.js';
import { SessionExchange } from '../session/session-exchange.js';
import { handshakeOf } from '../sockets/socket-client.util.js';
import {
  socketStoreUnavailable,
  socketReauthenticationRequired,
  socketUnauthorized,
} from '../sockets/ws-exception.loader.js';
import type { SessionTransport } from './session-transport.interface.js';

/** Each message's exchange, by the arguments array Nest hands its guards and interceptors. */
const exchanges = new WeakMap<object, SessionExchange>();

/**
 * The exchange of one socket message: made on first sight from the handshake's cookie, kept
 * with the message's arguments array (the one array Nest gives every guard and interceptor of
 * that handler call). Parameter decorators get a copy of that array, made after the
 * interceptors ran; so, for a handler that takes `@Session()`, the exchange also rides in the
 * array itself (just before the pattern, which stays last) and the copy carries it along.
 */
function wsExchange(context: ExecutionContext): SessionExchange {
  const args = context.getArgs<unknown[]>();
  const carried = args.find((arg): arg is SessionExchange => arg instanceof SessionExchange);
  if (carried) return carried;
  let exchange = exchanges.get(args);
  if (!exchange) {
    const socket = context.switchToWs().getClient<object>();
    const { cookieHeader, origin } = handshakeOf(socket);
    exchange = new SessionExchange(cookieHeader, origin, {
      canSetCookie: false,
      failure: toSocketError,
      socket,
    });
    exchanges.set(args, exchange);
    if (takesSession(context)) args.splice(Math.max(args.length - 1, 0), 0, exchange);
  }
  return exchange;
}

/** A store outage as a `WsException` the client is sent (Nest's global filters skip gateways). */
function toSocketError(error: unknown): unknown {
  return error instanceof SessionStoreUnavailableException ? socketStoreUnavailable() : error;
}

function takesSession(context: ExecutionContext): boolean {
  return Reflect.getMetadata(USES_SESSION_KEY, context.getHandler()) === true;
}

/**
 * `@nestjs/websockets` gateways (`socket.io` or `ws`): the cookie is the handshake's, one
 * exchange per message (its session loaded afresh), no cookie can be set, and `AuthGuard`
 * refuses with `WsException('Unauthorized')`.
 */
export const WS_TRANSPORT: SessionTransport = {
  handles: (context) => context.getType() === 'ws',
  exchange: wsExchange,
  rejectUnauthenticated: () => {
    throw socketUnauthorized();
  },
  rejectStaleAuthentication: () => {
    throw socketReauthenticationRequired();
  },
};
