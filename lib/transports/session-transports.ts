import type { ArgumentsHost, ExecutionContext } from '@nestjs/common';
import { SESSION_MESSAGES } from '../session.messages.js';
import { GRAPHQL_TRANSPORT } from './graphql.transport.js';
import { HTTP_TRANSPORT } from './http.transport.js';
import type { SessionTransport } from './session-transport.interface.js';
import { WS_TRANSPORT } from './ws.transport.js';

/** Every transport the session works on; the first that handles a context serves it. */
const TRANSPORTS: readonly SessionTransport[] = [HTTP_TRANSPORT, GRAPHQL_TRANSPORT, WS_TRANSPORT];

/** The transport of `context`, or `undefined` for one the session does not work on. */
export function transportOf(context: ArgumentsHost): SessionTransport | undefined {
  return TRANSPORTS.find((transport) => transport.handles(context));
}

/** The transport of `context`; a context of any other transport is a programming error. */
export function requireTransport(context: ExecutionContext): SessionTransport {
  const transport = transportOf(context);
  if (!transport) throw new Error(SESSION_MESSAGES.noSessionOnRequest());
  return transport;
}
