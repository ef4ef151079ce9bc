import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SESSION_MESSAGES } from '../session.messages.js';
import type { SessionEvent, SessionEventName } from './session-events.constants.js';

/** The part of `EventEmitter2` used here, declared so the optional peer's types never load. */
interface EventEmitterLike {
  emit(event: string, payload: unknown): boolean;
}

/** A variable, so that TypeScript neither resolves nor emits the optional peer's types. */
const EVENT_EMITTER_PACKAGE = '@nestjs/event-emitter';

/**
 * Emits the library's events on the app's `EventEmitter2`, found at startup: when
 * `@nestjs/event-emitter` is installed and `EventEmitterModule` imported. Otherwise there is
 * nothing to emit on, {@link enabled} is `false`, and no work is done for events at all.
 *
 * A listener that throws is logged; the session operation that emitted goes on.
 *
 * @internal
 */
@Injectable()
export class SessionEventEmitter implements OnModuleInit {
  private readonly logger = new Logger('SessionEvents');
  private emitter: EventEmitterLike | undefined;

  constructor(private readonly modules: ModuleRef) {}

  async onModuleInit(): Promise<void> {
    this.emitter = await this.findEmitter();
  }

  /** Whether anything can hear the events (worth reading what they report). */
  get enabled(): boolean {
    return this.emitter !== undefined;
  }

  emit(name: SessionEventName, event: SessionEvent): void {
    if (!this.emitter) return;
    try {
      this.emitter.emit(name, Object.freeze({ ...event }));
    } catch (error) {
      this.logger.error(SESSION_MESSAGES.eventListenerFailed(name), (error as Error)?.stack);
    }
  }

  /**
   * `import()`, not `require()`: the package is ESM-only, and `require()` of ESM fails where it
   * is not supported (Jest's module loader on Node < 24.9), which would silence every event.
   */
  private async findEmitter(): Promise<EventEmitterLike | undefined> {
    let token: unknown;
    try {
      token = ((await import(EVENT_EMITTER_PACKAGE)) as { EventEmitter2?: unknown }).EventEmitter2;
    } catch {
      return undefined; // not installed
    }
    if (typeof token !== 'function') return undefined;
    try {
      return this.modules.get(token, { strict: false });
    } catch {
      return undefined; // installed, but EventEmitterModule is not imported
    }
  }
}
