import { MemorySessionStore } from '../stores/memory/memory-session.store.js';
import type { SessionModuleOptions } from './session-options.interface.js';
import { resolveSessionOptions } from './session-options.resolver.js';

const secret = 'a'.repeat(32);

function problemsOf(options: unknown): string {
  try {
    resolveSessionOptions(options as SessionModuleOptions);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the options to be refused');
}

describe('resolveSessionOptions', () => {
  it('applies every default once', () => {
    expect(resolveSessionOptions({ secret })).toEqual({
      secrets: [secret],
      store: undefined,
      idleTimeout: 86_400_000,
      absoluteTimeout: 604_800_000,
      touchInterval: 60_000,
      cookie: {
        name: 'sid',
        httpOnly: true,
        secure: true,
        sameSite: 'lax',
        path: '/',
        domain: undefined,
      },
      saveUninitialized: false,
      dataClass: undefined,
      loginPath: undefined,
      cleanup: { enabled: true, interval: 600_000, batchSize: 1000 },
      cache: { enabled: false, ttl: 5_000, maxEntries: 10_000 },
      storeTimeout: 5_000,
      maxDataSize: 65_536,
    });
  });

  it.each([
    ['30s', 15_000],
    ['1m', 30_000],
    ['90s', 45_000],
    ['2m', 60_000],
    ['24h', 60_000],
  ])('with touchInterval unset and idleTimeout %p, touches every %p ms', (idleTimeout, touch) => {
    expect(
      resolveSessionOptions({ secret, idleTimeout } as SessionModuleOptions).touchInterval,
    ).toBe(touch);
  });

  it('keeps an explicit touchInterval shorter than idleTimeout', () => {
    const resolved = resolveSessionOptions({ secret, idleTimeout: '30s', touchInterval: '20s' });
    expect(resolved.touchInterval).toBe(20_000);
  });

  it('reads storeTimeout and maxDataSize', () => {
    const resolved = resolveSessionOptions({ secret, storeTimeout: '250ms', maxDataSize: 4_096 });
    expect(resolved.storeTimeout).toBe(250);
    expect(resolved.maxDataSize).toBe(4_096);
  });

  it('accepts a __Host- cookie that is secure, host-only and on path /', () => {
    const resolved = resolveSessionOptions({ secret, cookie: { name: '__Host-sid' } });
    expect(resolved.cookie.name).toBe('__Host-sid');
  });

  it('keeps given values, parses durations and merges partial nested options', () => {
    const store = new MemorySessionStore();
    const resolved = resolveSessionOptions({
      secret: [secret, 'b'.repeat(40)],
      store,
      idleTimeout: '30m',
      absoluteTimeout: 3_600_000,
      touchInterval: '90s',
      cookie: { name: 'app.sid', secure: false, domain: 'example.com', path: undefined },
      cleanup: { batchSize: 50 },
      loginPath: '/login',
    });
    expect(resolved.secrets).toEqual([secret, 'b'.repeat(40)]);
    expect(resolved.store).toBe(store);
    expect(resolved.idleTimeout).toBe(1_800_000);
    expect(resolved.touchInterval).toBe(90_000);
    expect(resolved.cookie).toEqual({
      name: 'app.sid',
      httpOnly: true,
      secure: false,
      sameSite: 'lax',
      path: '/',
      domain: 'example.com',
    });
    expect(resolved.cleanup).toEqual({ enabled: true, interval: 600_000, batchSize: 50 });
    expect(resolved.loginPath).toBe('/login');
  });

  it('turns the read cache on with cache: { ttl }', () => {
    expect(resolveSessionOptions({ secret, cache: { ttl: '2s' } }).cache).toEqual({
      enabled: true,
      ttl: 2_000,
      maxEntries: 10_000,
    });
  });

  it('turns the sweep off with cleanup: false', () => {
    expect(resolveSessionOptions({ secret, cleanup: false }).cleanup).toEqual({
      enabled: false,
      interval: 600_000,
      batchSize: 1000,
    });
  });

  it.each([
    [{}, '`secret`'],
    [{ secret: 'short' }, '`secret` must be a string of at least 32 characters'],
    [{ secret: [] }, '`secret`'],
    [{ secret: [secret, 'short'] }, '`secret`'],
    [{ secret, idleTimeout: 'soon' }, '`idleTimeout` must be a positive number of milliseconds'],
    [{ secret, absoluteTimeout: -1 }, '`absoluteTimeout`'],
    [{ secret, cleanup: { interval: 'x' } }, '`cleanup.interval`'],
    [{ secret, cleanup: { batchSize: 0 } }, '`cleanup.batchSize`'],
    [{ secret, cleanup: true }, '`cleanup`'],
    [{ secret, cache: { ttl: 'soon' } }, '`cache.ttl`'],
    [{ secret, cache: {} }, '`cache.ttl`'],
    [{ secret, cache: true }, '`cache`'],
    [{ secret, cookie: { sameSite: 'sometimes' } }, '`cookie.sameSite`'],
    [{ secret, cookie: { sameSite: 'none', secure: false } }, "`cookie.sameSite: 'none'` requires"],
    [{ secret, cookie: { colour: 'blue' } }, '`cookie.colour` is not a SessionModule option'],
    [{ secret, idleTimout: '1h' }, '`idleTimout` is not a SessionModule option'],
    [{ secret, store: {} }, '`store` must be an instance of a class extending SessionStore'],
    [{ secret, dataClass: 'User' }, '`dataClass` must be a class'],
    [{ secret, loginPath: 'login' }, '`loginPath` must be a path'],
    [{ secret, idleTimeout: '1m', touchInterval: '5m' }, '`touchInterval` must be shorter'],
    [{ secret, idleTimeout: '1m', touchInterval: '1m' }, '`touchInterval` must be shorter'],
    [{ secret, storeTimeout: 'never' }, '`storeTimeout` must be a positive number'],
    [{ secret, maxDataSize: 10 }, '`maxDataSize` must be a whole number of bytes'],
    [{ secret, maxDataSize: 1.5e3 + 0.5 }, '`maxDataSize`'],
    [{ secret, cookie: { name: '__Host-sid', secure: false } }, "starts with '__Host-'"],
    [{ secret, cookie: { name: '__Host-sid', path: '/app' } }, "starts with '__Host-'"],
    [{ secret, cookie: { name: '__Host-sid', domain: 'example.com' } }, "starts with '__Host-'"],
  ])('refuses %j naming the option', (options, expected) => {
    const message = problemsOf(options);
    expect(message).toContain('invalid SessionModule options');
    expect(message).toContain(expected);
  });

  it('lists every bad option in one message', () => {
    const message = problemsOf({ secret: 'x', idleTimeout: 'never' });
    expect(message).toContain('`secret`');
    expect(message).toContain('`idleTimeout`');
  });
});
