import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';
import type { ModulesContainer } from '@nestjs/core';
import { catchError, concatMap, of, throwError } from 'rxjs';
import type { Observable } from 'rxjs';
import { WS_TRANSPORT } from '../transports/ws.transport.js';

/** `@WebSocketGateway()`'s mark, read by name: `@nestjs/websockets` is an optional peer. */
const GATEWAY_METADATA = 'websockets:is_gateway';

/**
 * Commits a socket message's session after its handler, on success and on error alike, so its
 * changes are stored before the reply is sent. `SessionModule` binds it to every gateway.
 * Controllers and resolvers carry no interceptor: an HTTP exchange commits from its response's
 * own end (Fastify's `onSend`, Express's `end`), so a route that never loads its session pays
 * nothing. Holds nothing of an app: what to commit was left on the exchange by the app's loader.
 *
 * @publicApi
 */
@Injectable()
export class SessionInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!WS_TRANSPORT.handles(context)) return next.handle();
    const exchange = WS_TRANSPORT.exchange(context);
    return next.handle().pipe(
      concatMap((value: unknown) => {
        const committing = exchange.commitPending(null);
        return committing ? committing.then(() => value) : of(value);
      }),
      catchError((error: unknown) => {
        const committing = exchange.commitPending(null);
        if (!committing) return throwError(() => error);
        return committing.then(() => {
          throw error;
        });
      }),
    );
  }
}

const sessionInterceptor = new SessionInterceptor();

/**
 * Binds the interceptor to every gateway class of the app, once per class, before Nest wires
 * the gateways' handlers (at `app.init()`). The same instance serves every app in the process.
 */
export function bindToGateways(modules: ModulesContainer): void {
  for (const module of modules.values()) {
    for (const { metatype } of module.providers.values()) {
      if (typeof metatype !== 'function' || !Reflect.getMetadata(GATEWAY_METADATA, metatype)) {
        continue;
      }
      const bound = (Reflect.getMetadata(INTERCEPTORS_METADATA, metatype) ?? []) as unknown[];
      if (bound.includes(sessionInterceptor)) continue;
      Reflect.defineMetadata(INTERCEPTORS_METADATA, [sessionInterceptor, ...bound], metatype);
    }
  }
}
