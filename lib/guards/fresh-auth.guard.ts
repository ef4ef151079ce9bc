import { Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { FRESH_AUTH_KEY } from '../session.constants.js';
import { requireTransport } from '../transports/session-transports.js';
import { AuthGuard } from './auth.guard.js';

/**
 * `@RequireFreshAuth(maxAge)`'s guard: `AuthGuard`'s check (a signed-in session, or 401 / 303
 * to `loginPath`), then a sign-in (or `reauthenticate`) no older than `maxAge`, or 403
 * `ReauthenticationRequired` / 303 to `loginPath?reauth=1&next=…`. `@Public()` does not exempt
 * a route from it: the route asked for it by name.
 *
 * @internal
 */
@Injectable()
export class FreshAuthGuard extends AuthGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const maxAge = this.maxAgeOf(context);
    if (maxAge === undefined) return true;
    const transport = requireTransport(context);
    const exchange = transport.exchange(context);
    const { handle } = await this.loader.load(exchange);
    if (!this.isAuthenticated(handle)) {
      transport.refused?.(exchange);
      return this.rejectAnonymous(context);
    }
    const at = handle.authenticatedAt;
    if (at !== null && Date.now() - at.getTime() <= maxAge) return true;
    transport.refused?.(exchange);
    return transport.rejectStaleAuthentication(context, this.options.loginPath);
  }

  /** The handler's, else its class's: a class may set it for routes it inherits. */
  private maxAgeOf(context: ExecutionContext): number | undefined {
    return this.reflector.getAllAndOverride<number | undefined>(FRESH_AUTH_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
  }
}
