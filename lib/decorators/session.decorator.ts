import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { USES_SESSION_KEY } from '../session.constants.js';
import { requireTransport } from '../transports/session-transports.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { Session as SessionShape } from '../session/session.interface.js';
import type { SessionData } from '../stores/session-record.interface.js';

/**
 * The current request's session, typed by `T`: `@Session() session: Session<AppSession>`.
 *
 * @publicApi
 */
export type Session<T extends object = SessionData> = SessionShape<T>;

const sessionParameter = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const loaded = requireTransport(context).exchange(context).loaded;
  if (!loaded) throw new Error(SESSION_MESSAGES.noSessionOnRequest());
  return loaded.handle;
});

/**
 * Injects the current request's session. The handler's session is loaded (once) by the
 * module's global loading guard before the handler runs; handlers without it never touch the
 * store.
 *
 * @publicApi
 */
export function Session(): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey !== undefined) {
      const handler = (target as Record<string | symbol, object>)[propertyKey];
      Reflect.defineMetadata(USES_SESSION_KEY, true, handler);
    }
    sessionParameter()(target, propertyKey, index);
  };
}
