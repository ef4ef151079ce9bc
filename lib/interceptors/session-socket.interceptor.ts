import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { finalize } from 'rxjs';
import type { Observable } from 'rxjs';
import { socketMessageOf } from '../transports/ws.transport.js';
import { SessionSocketRegistry } from '../sockets/session-socket.registry.js';

/**
 * Registered globally by `SessionModule`: after each socket message whose session was loaded
 * (by `AuthGuard`, `@Session()` or `SessionService.get()`), tells the registry which session
 * the socket is on, as committed, so it can be disconnected when that session ends.
 * Any other context passes through untouched.
 *
 * @internal
 */
@Injectable()
export class SessionSocketInterceptor implements NestInterceptor {
  constructor(private readonly registry: SessionSocketRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const message = socketMessageOf(context);
    if (!message) return next.handle();
    const { client, exchange } = message;
    return next.handle().pipe(
      finalize(() => {
        const loaded = exchange.loaded;
        if (loaded && !loaded.handle.isDestroyed) this.registry.seen(client, loaded.handle);
      }),
    );
  }
}
