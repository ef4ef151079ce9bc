import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ResolvedSessionOptions } from '../options/session-options.interface.js';
import { FRESH_AUTH_KEY, RESOLVED_SESSION_OPTIONS } from '../session.constants.js';
import { SessionLoader } from '../session/session.loader.js';
import { requireTransport } from '../transports/session-transports.js';

/**
 * `@RequireFreshAuth(maxAge)`'s guard: `AuthGuard`'s check (a signed-in session, or 401 / 303
 * to `loginPath`), then a sign-in (or `reauthenticate`) no older than `maxAge`, or 403
 * `ReauthenticationRequired` / 303 to `loginPath?reauth=1&next=…`. `@Public()` does not exempt
 * a route from it: the route asked for it by name.
 *
 * @internal
 */
@Injectable()
export class FreshAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly loader: SessionLoader,
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const maxAge = this.maxAgeOf(context);
    if (maxAge === undefined) return true;
    const transport = requireTransport(context);
    const exchange = transport.exchange(context);
    const { handle } = await this.loader.load(exchange);
    const { loginPath } = this.options;
    if (handle.userId === null) {
      transport.refused?.(exchange);
      return transport.rejectUnauthenticated(context, loginPath);
    }
    const at = handle.authenticatedAt;
    if (at !== null && Date.now() - at.getTime() <= maxAge) return true;
    transport.refused?.(exchange);
    return transport.rejectStaleAuthentication(context, loginPath);
  }

  /** The handler's, else its class's: a class may set it for routes it inherits. */
  private maxAgeOf(context: ExecutionContext): number | undefined {
    return this.reflector.getAllAndOverride<number | undefined>(FRESH_AUTH_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
  }
}
