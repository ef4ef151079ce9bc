import type { ChildProcess } from 'node:child_process';

/** A message a bench child process sends over IPC. */
export interface ChildMessage {
  type: string;
  [key: string]: unknown;
}

/**
 * The next message of `type` from `child`; rejects when the child exits first or after
 * `timeoutMs`.
 */
export function nextMessage<T extends ChildMessage>(
  child: ChildProcess,
  type: string,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`no "${type}" from child ${child.pid} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: ChildMessage): void => {
      if (message.type === type) done(undefined, message as T);
    };
    const onExit = (code: number | null): void =>
      done(new Error(`child ${child.pid} exited (code ${code}) before sending "${type}"`));
    function done(error?: Error, message?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Resolves when `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
