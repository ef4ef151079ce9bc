import { performance } from 'node:perf_hooks';
import { SESSION_MESSAGES } from '../../lib/session.messages.js';
import { connectSocket } from '../ws/socket-client.js';
import type { TestSocket } from '../ws/socket-client.js';
import { disconnectedWithin } from '../ws/ws-flow.js';
import { buildInstanceApp } from './instance.build.js';
import type { BuiltInstanceApp } from './instance.build.js';
import type { InstanceConfig, InstanceStoreConfig } from './instance.config.js';
import { startInstances, stopInstances } from './instances.js';
import type { Instance } from './instances.js';

/** How a backend gets rid of expired sessions, and how the test sees it. */
export type ExpiryCheck =
  | {
      /** A SQL table: the sweep deletes expired rows. */
      kind: 'sweep';
      /** Inserts `n` sessions that expired an hour ago; their ids. */
      seedExpired(n: number): Promise<string[]>;
      /** How many expired sessions the table still holds. */
      countExpired(): Promise<number>;
    }
  | {
      /** Redis: every key expires with its session, the sweep has nothing to do. */
      kind: 'self-expiring';
      /** Stores `n` sessions that expire in `ms`; their ids. */
      seedExpiring(n: number, ms: number): Promise<string[]>;
      /** How many of `ids` are still stored (expired or not). */
      countStored(ids: string[]): Promise<number>;
    };

/** One shared backend for every instance process, and how to release it. */
export interface ScaleOutBackend {
  store: InstanceStoreConfig;
  expiry: ExpiryCheck;
  teardown(): Promise<void>;
}

export interface ScaleOutOptions {
  /** Creates the backend (after the instance app is built). */
  setup(): Promise<ScaleOutBackend>;
  /**
   * `proven`: the invalidation channel works, so one group of instances runs without the read
   * cache and one with it; `unverified` (a transaction pooler): one group, configured with the
   * cache, which stays off by itself with one warning.
   */
  channel: 'proven' | 'unverified';
  sockets: InstanceConfig['sockets'];
  /** Whether the backend's expired sessions are swept (SQL) or expire by themselves (Redis). */
  expiry: ExpiryCheck['kind'];
  /** Why the suite cannot run here (printed, and every test skipped), or nothing. */
  skip?: string;
}

/** How one instance ends a session for every instance. */
const ENDINGS = ['revoke(id)', 'revokeAllForUser', 'sign-out'] as const;
type Ending = (typeof ENDINGS)[number];

const INSTANCES = 3;
/** Trials of the cached latency measurement. */
const TRIALS = 21;
/** Expired sessions the instances sweep together, and the batch each sweep deletes at a time. */
const EXPIRED = 300;
const SWEEP_BATCH = 20;
/** Only bounds a broken test: latencies are measured and printed, never asserted. */
const DEADLINE_MS = 5_000;

/** A signed-in session, as the test holds it. */
interface SignedIn {
  cookie: string;
  id: string;
  userId: string;
}

let users = 0;
/** A user id no other test of the file uses. */
const newUser = (label: string) => `${label}-${++users}`;

async function signIn(on: Instance, userId = newUser('user')): Promise<SignedIn> {
  const reply = await on.request('POST', '/login', { body: { userId } });
  expect(reply.status).toBe(200);
  expect(reply.cookie).toBeDefined();
  return { cookie: reply.cookie!, id: (reply.body as { id: string }).id, userId };
}

const me = (on: Instance, session: SignedIn) =>
  on.request('GET', '/me', { cookie: session.cookie });

/** Ends `session` on instance `on` with `ending`, checking that instance's answer. */
async function end(ending: Ending, on: Instance, session: SignedIn): Promise<void> {
  switch (ending) {
    case 'revoke(id)':
      expect((await on.request('POST', `/revoke/${session.id}`)).status).toBe(204);
      return;
    case 'revokeAllForUser':
      expect(await on.request('POST', `/revoke-all/${session.userId}`)).toMatchObject({
        status: 200,
        body: { revoked: 1 },
      });
      return;
    case 'sign-out':
      expect((await on.request('POST', '/logout', { cookie: session.cookie })).status).toBe(204);
  }
}

/**
 * Reads `session` on `on` until it is refused (401); the ms from `since` to that response,
 * and how many reads were still served before it. Fails on any other status, or past 5 s.
 */
async function firstRefusal(
  on: Instance,
  session: SignedIn,
  since: number,
): Promise<{ ms: number; servedBefore: number }> {
  for (let served = 0; ; served++) {
    const { status } = await me(on, session);
    const at = performance.now();
    if (status === 401) return { ms: at - since, servedBefore: served };
    expect(status).toBe(200);
    if (at - since > DEADLINE_MS) {
      throw new Error(`${on.name} still served an ended session ${DEADLINE_MS} ms later`);
    }
  }
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return `median ${median.toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (n=${values.length})`;
}

/** The warning of an invalidation channel whose probe never came back, as a regex. */
const UNVERIFIED = new RegExp(
  SESSION_MESSAGES.cacheChannelUnverified('CHANNEL')
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace('CHANNEL', 'nestjs_sessions_[0-9a-f]+'),
  'g',
);
const unverifiedWarnings = (instance: Instance) => instance.output().match(UNVERIFIED)?.length ?? 0;

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not before the deadline: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Three instance processes of one app on one store, no sticky sessions: each request goes to
 * the instance the test picks. Instance #3 runs on Fastify, #1 and #2 on Express.
 */
export function describeScaleOut(name: string, options: ScaleOutOptions): void {
  const { channel, sockets: platform, skip } = options;
  if (skip) console.warn(`three instance processes on ${name} did NOT run: ${skip}.`);

  (skip ? describe.skip : describe)(`three instance processes on ${name}`, () => {
    let build: BuiltInstanceApp | undefined;
    let backend: ScaleOutBackend | undefined;
    const started: Instance[] = [];
    /** Without the read cache (with it, where it stays off by itself: `unverified`). */
    let plain: Instance[];
    /** With `cache: { ttl: '1h' }` on every instance (`proven` only). */
    let cached: Instance[];

    const group = (cache: boolean): InstanceConfig[] =>
      Array.from({ length: INSTANCES }, (_, i) => ({
        store: backend!.store,
        adapter: i === INSTANCES - 1 ? 'fastify' : 'express',
        sockets: platform,
        cache,
        sweepBatch: SWEEP_BATCH,
      }));

    beforeAll(async () => {
      build = await buildInstanceApp();
      backend = await options.setup();
      const configs = channel === 'proven' ? [...group(false), ...group(true)] : group(true);
      started.push(...(await startInstances(build.entry, configs)));
      plain = started.slice(0, INSTANCES);
      cached = started.slice(INSTANCES);
    }, 60_000);

    afterAll(async () => {
      await stopInstances(started);
      await backend?.teardown();
      await build?.remove();
    }, 30_000);

    if (channel === 'unverified') {
      it('keeps the read cache off on every instance, saying why in one warning line each', async () => {
        await until(
          () => plain.every((instance) => unverifiedWarnings(instance) > 0),
          'the probe warning on every instance',
        );
        // a failed probe is retried 100 ms later and fails again 2 s after: no second line
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        expect(plain.map(unverifiedWarnings)).toEqual([1, 1, 1]);
        const session = await signIn(plain[0]);
        for (const instance of plain) {
          await me(instance, session);
          const before = (await instance.stats()).storeReads;
          for (let i = 0; i < 5; i++) expect((await me(instance, session)).status).toBe(200);
          expect((await instance.stats()).storeReads).toBe(before + 5);
        }
      });
    }

    it('serves a session created on #1 from #2 and #3, and data written on #2 from #3 and #1', async () => {
      const [one, two, three] = plain;
      const session = await signIn(one);
      for (const other of [two, three]) {
        expect(await me(other, session)).toMatchObject({
          status: 200,
          body: { id: session.id, userId: session.userId },
        });
      }
      const written = await two.request('POST', '/data/colour', {
        cookie: session.cookie,
        body: { value: 'teal' },
      });
      expect(written.status).toBe(200);
      for (const reader of [three, one]) {
        expect(
          await reader.request('GET', '/data/colour', { cookie: session.cookie }),
        ).toMatchObject({
          status: 200,
          body: { value: 'teal' },
        });
      }
    });

    it.each(ENDINGS)(
      '%s on any one instance: the cookie is refused at once on the other two',
      async (ending) => {
        for (let r = 0; r < INSTANCES; r++) {
          const ender = plain[r];
          const others = plain.filter((instance) => instance !== ender);
          const session = await signIn(others[0]);
          for (const instance of plain) expect((await me(instance, session)).status).toBe(200);
          await end(ending, ender, session);
          for (const instance of plain) expect((await me(instance, session)).status).toBe(401);
        }
      },
    );

    if (channel === 'proven') {
      it('with the read cache on every instance, serves repeated reads from memory', async () => {
        const session = await signIn(cached[0]);
        for (const instance of cached) {
          expect((await me(instance, session)).status).toBe(200);
          const before = (await instance.stats()).storeReads;
          for (let i = 0; i < 5; i++) expect((await me(instance, session)).status).toBe(200);
          expect((await instance.stats()).storeReads).toBe(before);
        }
      });

      it(`with the read cache, refuses an ended session on the others once the invalidation arrives (${TRIALS} trials, latency printed)`, async () => {
        const latencies = new Map<Ending, number[]>(ENDINGS.map((ending) => [ending, []]));
        let stale = 0;
        /** A cached read's own round trip: the resolution of the figure (one poll). */
        const roundTrips: number[] = [];
        for (let trial = 0; trial < TRIALS; trial++) {
          const ending = ENDINGS[trial % ENDINGS.length];
          const ender = cached[trial % INSTANCES];
          const others = cached.filter((instance) => instance !== ender);
          const session = await signIn(others[trial % others.length]);
          // each other instance caches it (the second read is served from memory)
          for (const other of others) {
            expect((await me(other, session)).status).toBe(200);
            const start = performance.now();
            expect((await me(other, session)).status).toBe(200);
            roundTrips.push(performance.now() - start);
          }
          await end(ending, ender, session);
          const since = performance.now();
          const refusals = await Promise.all(
            others.map((other) => firstRefusal(other, session, since)),
          );
          for (const { ms, servedBefore } of refusals) {
            latencies.get(ending)!.push(ms);
            if (servedBefore > 0) stale++;
          }
        }
        const all = [...latencies.values()].flat();
        console.info(
          [
            `${name}, read cache (ttl 1h) on 3 instance processes: from the ending response to ` +
              `the first 401 on each other instance: ${summary(all)}; ` +
              `${stale} of ${all.length} pollings were still served from the cache first ` +
              `(a cached read's own round trip: ${summary(roundTrips)}).`,
            ...ENDINGS.map((ending) => `  ${ending}: ${summary(latencies.get(ending)!)}`),
          ].join('\n'),
        );
      });
    }

    if (options.expiry === 'sweep') {
      it(`sweeps ${EXPIRED} expired sessions from all three at once: each deleted once, by one instance`, async () => {
        const expiry = backend!.expiry;
        if (expiry.kind !== 'sweep') throw new Error('the backend has no sweep');
        const live = await signIn(plain[0]);
        const ids = await expiry.seedExpired(EXPIRED);
        const deleted = plain.map(() => 0);
        let rounds = 0;
        while ((await expiry.countExpired()) > 0) {
          expect(++rounds).toBeLessThan(50);
          const sweeps = await Promise.all(plain.map((i) => i.request('POST', '/sweep')));
          sweeps.forEach(({ status, body }, i) => {
            expect(status).toBe(200);
            deleted[i] += (body as { deleted: number }).deleted;
          });
        }
        expect(deleted.reduce((a, b) => a + b)).toBe(EXPIRED);
        // the `session.expired` events each instance emitted: every expired session exactly
        // once over the three, nothing else, and as many on each as its sweeps counted
        const heard = (await Promise.all(plain.map((i) => i.stats()))).map((s) => s.expired);
        expect(heard.map((list) => list.length)).toEqual(deleted);
        expect(heard.flat().sort()).toEqual([...ids].sort());
        expect((await me(plain[1], live)).status).toBe(200);
        console.info(
          `${name}: ${EXPIRED} expired sessions swept by 3 instances at once in ${rounds} ` +
            `round(s) of concurrent /sweep calls (batch ${SWEEP_BATCH}); deleted per instance: ` +
            `${deleted.join(' + ')}.`,
        );
      });
    } else {
      it('leaves expiry to the backend: sessions vanish by themselves, each sweep deletes 0', async () => {
        const expiry = backend!.expiry;
        if (expiry.kind !== 'self-expiring') throw new Error('the backend needs a sweep');
        const live = await signIn(plain[0]);
        const ids = await expiry.seedExpiring(EXPIRED, 2_000);
        expect(await expiry.countStored(ids)).toBe(EXPIRED);
        await until(async () => (await expiry.countStored(ids)) === 0, 'sessions expiring');
        const sweeps = await Promise.all(plain.map((i) => i.request('POST', '/sweep')));
        expect(sweeps.map(({ status, body }) => ({ status, body }))).toEqual(
          plain.map(() => ({ status: 200, body: { deleted: 0 } })),
        );
        for (const instance of plain) expect((await instance.stats()).expired).toEqual([]);
        expect((await me(plain[1], live)).status).toBe(200);
      });
    }

    describe('sockets', () => {
      const open: TestSocket[] = [];
      afterEach(() => open.splice(0).forEach((socket) => socket.close()));

      /** Sockets on #2 and #3 with the session's cookie, each having used the session. */
      const socketsOnTwoAndThree = async (session: SignedIn) => {
        const sockets = await Promise.all(
          plain.slice(1).map((instance) => connectSocket(platform, instance.url, session.cookie)),
        );
        open.push(...sockets);
        for (const socket of sockets) {
          await expect(socket.request('secret')).resolves.toEqual({ userId: session.userId });
        }
        return sockets;
      };

      if (channel === 'proven') {
        it.each(ENDINGS)(
          '%s on #1 disconnects the sockets of that session on #2 and #3',
          async (ending) => {
            const session = await signIn(plain[0]);
            const sockets = await socketsOnTwoAndThree(session);
            await end(ending, plain[0], session);
            const since = performance.now();
            const ms = await Promise.all(
              sockets.map((socket) => disconnectedWithin(socket.closed, since, DEADLINE_MS)),
            );
            console.info(
              `${name}, ${platform}: sockets on #2 and #3 disconnected ` +
                `${ms.map((m) => m.toFixed(0)).join(' and ')} ms after the response to ` +
                `${ending} on #1 (negative: before that response reached the test).`,
            );
          },
        );
      } else {
        // LISTEN does not hear other connections through a transaction pooler: no instance
        // learns of a session ended elsewhere, and a socket's next guarded message is refused
        it.each(ENDINGS)(
          "%s on #1: the session's sockets on #2 and #3 are refused at their next guarded message",
          async (ending) => {
            const session = await signIn(plain[0]);
            const sockets = await socketsOnTwoAndThree(session);
            await end(ending, plain[0], session);
            for (const socket of sockets) {
              await expect(socket.request('secret')).rejects.toMatchObject({
                exception: { message: 'Unauthorized' },
              });
            }
          },
        );
      }
    });
  });
}
