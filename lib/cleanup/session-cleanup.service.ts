import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { SessionEventEmitter } from '../events/session-event.emitter.js';
import { SESSION_EVENTS } from '../events/session-events.constants.js';
import type { DeletedSession } from '../stores/session-record.interface.js';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/session-options.interface.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.constants.js';
import { SESSION_MESSAGES } from '../session.messages.js';
import { SessionStore } from '../stores/session.store.js';

/** Largest random delay added to each interval, as a fraction of it. */
const MAX_JITTER = 0.1;

/**
 * The expired-session sweep (option `cleanup`). Runs every `interval` (plus a random
 * jitter of up to 10%, so instances started together do not sweep together), deleting
 * expired sessions `batchSize` at a time with a yield to the event loop between batches,
 * so requests keep flowing. Sweeps never overlap: the next one is scheduled only when the
 * current one has finished. The timer never keeps the process alive and stops on shutdown.
 *
 * A failed scheduled sweep is logged and retried at the next interval; it never throws
 * out of the timer. Extend the class and override its `protected` methods to change the
 * schedule or the reporting.
 *
 * @publicApi
 */
@Injectable()
export class SessionCleanupService implements OnApplicationBootstrap, OnModuleDestroy {
  protected readonly logger = new Logger(SessionCleanupService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) protected readonly options: ResolvedSessionOptions,
    protected readonly store: SessionStore,
    @Optional() private readonly events?: SessionEventEmitter,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Deletes every expired session now, in batches, and resolves to how many were deleted.
   * While a sweep is running, a second call joins it instead of starting another. Rejects
   * with the store's error when the store fails.
   */
  sweep(): Promise<number> {
    this.running ??= this.deleteAllExpired().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Milliseconds from the end of one sweep to the start of the next. */
  protected nextDelay(interval: number): number {
    return interval + Math.random() * interval * MAX_JITTER;
  }

  /** Sessions deleted per store call. */
  protected batchSize(): number {
    return this.options.cleanup.batchSize;
  }

  /** Reports a failed scheduled sweep; called once per failed sweep. */
  protected onSweepFailed(error: unknown): void {
    const detail = error instanceof Error ? error.stack : String(error);
    this.logger.error(SESSION_MESSAGES.cleanupFailed(), detail);
  }

  private schedule(): void {
    const { cleanup } = this.options;
    if (!cleanup.enabled || this.stopped) return;
    this.timer = setTimeout(() => void this.runScheduled(), this.nextDelay(cleanup.interval));
    this.timer.unref();
  }

  private async runScheduled(): Promise<void> {
    this.timer = undefined;
    try {
      await this.sweep();
    } catch (error) {
      this.onSweepFailed(error);
    }
    this.schedule();
  }

  private async deleteAllExpired(): Promise<number> {
    const batchSize = this.batchSize();
    const report = this.events?.enabled
      ? (swept: DeletedSession[]) => this.expired(swept)
      : undefined;
    let total = 0;
    for (;;) {
      const deleted = await this.store.deleteExpired(new Date(), batchSize, report);
      total += deleted;
      if (deleted < batchSize || this.stopped) return total;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** `session.expired` for each session a batch deleted. */
  private expired(swept: DeletedSession[]): void {
    const at = new Date();
    for (const { id, userId } of swept)
      this.events!.emit(SESSION_EVENTS.expired, { id, userId, at });
  }
}
