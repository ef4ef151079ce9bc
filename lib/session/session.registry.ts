import type { SessionHandle } from './session.handle.js';

/** One request's session as loaded: the handle and whether the request carried our cookie. */
export interface LoadedSession {
  handle: SessionHandle;
  cookieSent: boolean;
}

interface Entry {
  promise: Promise<LoadedSession>;
  settled?: LoadedSession;
}

/**
 * Per-request memo of the lazily loaded session, keyed by the request object (so it
 * dies with the request). Shared by guards, the interceptor, the service and the
 * synchronous `@Session()` parameter factory.
 */
const entries = new WeakMap<object, Entry>();

export function rememberSession(
  request: object,
  load: () => Promise<LoadedSession>,
): Promise<LoadedSession> {
  const existing = entries.get(request);
  if (existing) return existing.promise;
  const entry: Entry = { promise: load() };
  entry.promise.then((loaded) => (entry.settled = loaded)).catch(() => entries.delete(request));
  entries.set(request, entry);
  return entry.promise;
}

/** The session this request loaded, once its load has finished; else `undefined`. */
export function settledSession(request: object): LoadedSession | undefined {
  return entries.get(request)?.settled;
}

/** Whether anything asked for this request's session (then it must be committed). */
export function pendingSession(request: object): Promise<LoadedSession> | undefined {
  return entries.get(request)?.promise;
}
