import { SESSION_MESSAGES } from '../session.messages.js';

/** `WsException` of `@nestjs/websockets`, as far as this package uses it. */
type WsExceptionClass = new (error: string | object) => Error;

/** A variable, so that TypeScript neither resolves nor emits the optional peer's types. */
const WEBSOCKETS_PACKAGE = '@nestjs/websockets';

let wsException: WsExceptionClass | undefined;

/**
 * Loads `WsException` from the app's own `@nestjs/websockets` (an optional peer), once, at
 * startup: Nest's WS exception filter sends a client only the message of an instance of that
 * very class. Without the package there are no gateways, and nothing to load.
 */
export async function loadWsException(): Promise<void> {
  if (wsException) return;
  try {
    const websockets = (await import(WEBSOCKETS_PACKAGE)) as { WsException?: WsExceptionClass };
    wsException = websockets.WsException;
  } catch {
    // not installed: no gateway can run, so no socket exchange will ever need it
  }
}

/** `WsException('Unauthorized')`, which Nest sends the client as its `exception` event. */
export function socketUnauthorized(): Error {
  const message = SESSION_MESSAGES.socketUnauthorized();
  return wsException ? new wsException(message) : new Error(message);
}

/** `WsException('ReauthenticationRequired')`: `@RequireFreshAuth` refused the message. */
export function socketReauthenticationRequired(): Error {
  const message = SESSION_MESSAGES.reauthenticationRequired();
  return wsException ? new wsException(message) : new Error(message);
}

/** `WsException` saying the session store is unavailable (retry shortly). */
export function socketStoreUnavailable(): Error {
  const message = SESSION_MESSAGES.storeUnavailable();
  return wsException ? new wsException(message) : new Error(message);
}
