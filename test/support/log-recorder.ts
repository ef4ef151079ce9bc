import { Logger } from '@nestjs/common';
import type { LoggerService } from '@nestjs/common';

/** One line that went through Nest's `Logger`. */
export interface LogLine {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  /** The `Logger`'s context, e.g. `'SessionStore'`. */
  context: unknown;
}

/** What {@link recordLogs} gives: the lines so far, and how to stop recording. */
export interface LogRecording {
  lines: LogLine[];
  /** The messages logged with `context`, at `level` when given. */
  messages(context: string, level?: LogLine['level']): string[];
  /** Stops recording; Nest's logger is left off, as `createHttpApp` (`logger: false`) leaves it. */
  stop(): void;
}

/**
 * Records every line logged through Nest's `Logger` from now on, instead of printing it (call
 * it after the app is created: creating an app sets Nest's logger).
 */
export function recordLogs(): LogRecording {
  const lines: LogLine[] = [];
  const record =
    (level: LogLine['level']) =>
    (message: unknown, ...params: unknown[]) => {
      lines.push({ level, message: String(message), context: params.at(-1) });
    };
  const recorder: LoggerService = {
    log: record('log'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
    verbose: record('verbose'),
    fatal: record('fatal'),
  };
  Logger.overrideLogger(recorder);
  return {
    lines,
    messages: (context, level) =>
      lines
        .filter((line) => line.context === context && (level === undefined || line.level === level))
        .map((line) => line.message),
    stop: () => Logger.overrideLogger(false),
  };
}
