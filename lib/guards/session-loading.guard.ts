import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { USES_SESSION_KEY } from '../session.constants.js';
import { SessionLoader } from '../session/session.loader.js';
import { transportOf } from '../transports/session-transports.js';

/**
 * Registered globally by `SessionModule`: loads the session, before the handler, of a handler
 * that takes `@Session()` (whose parameter is read synchronously), and lets every exchange
 * through. Any other handler passes at once and touches nothing: its session loads only if
 * something asks for it (`AuthGuard`, `SessionService`). A guard, not an interceptor, because
 * Nest wraps every handler of an app with a global interceptor in an rxjs pipeline, which costs
 * a route a third of its throughput; a guard costs it nothing measurable.
 *
 * @internal
 */
@Injectable()
export class SessionLoadingGuard implements CanActivate {
  /** Whether each handler seen so far takes `@Session()`, read from its metadata once. */
  private readonly takesSession = new WeakMap<object, boolean>();

  constructor(private readonly loader: SessionLoader) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.handlerTakesSession(context.getHandler())) return true;
    const transport = transportOf(context);
    if (!transport) return true;
    return this.loader.load(transport.exchange(context)).then(() => true);
  }

  private handlerTakesSession(handler: object): boolean {
    let takes = this.takesSession.get(handler);
    if (takes === undefined) {
      takes = Reflect.getMetadata(USES_SESSION_KEY, handler) === true;
      this.takesSession.set(handler, takes);
    }
    return takes;
  }
}
