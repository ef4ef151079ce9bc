import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import request from 'supertest';
import { hashToken } from '../lib/cookie/session-token.codec.js';
import { SessionModule } from '../lib/index.js';
import { resolveSessionOptions } from '../lib/options/session-options.resolver.js';
import { httpExchange } from '../lib/transports/http.transport.js';
import { AccountController } from './fixtures/account.controller.js';
import {
  carriesGenuineCookie,
  hostileHeaders,
  inHeader,
  signedValue,
  token,
} from './support/cookie-header.arbitraries.js';
import { ADAPTERS, createHttpApp } from './support/http-app.js';
import { RecordingSessionStore } from './support/recording-session.store.js';
import { standaloneLoader } from './support/standalone-loader.js';

const secret = 'f'.repeat(32);
const families = Object.entries(hostileHeaders(secret));
const RUNS: Record<string, number> = { empty: 100, huge: 300 };
const DEFAULT_RUNS = 1_200;
const HTTP_RUNS = 250; // per adapter

const figures = { loaderCases: 0, httpCases: 0 };
afterAll(() => {
  console.info(
    `fuzz-cookies: ${figures.loaderCases + figures.httpCases} cookie headers ` +
      `(${figures.loaderCases} through SessionLoader.load, ${figures.httpCases} over HTTP)`,
  );
});

/** Node's HTTP client refuses other characters in a header value; keep the rest of the case. */
const sendable = (header: string) => header.replace(/[^\t\x20-\x7e\x80-\xff]/g, '').trim();

describe('fuzzed cookie headers through SessionLoader.load()', () => {
  const store = new RecordingSessionStore();
  const options = resolveSessionOptions({ secret, store, cleanup: false });
  const loader = standaloneLoader(options, store);
  const load = (header: string) =>
    loader.load(httpExchange({ headers: { cookie: header }, ip: '127.0.0.1' }));

  beforeEach(() => store.reset());

  it.each(families)(
    'never reaches the store without a genuine signature: %s',
    async (family, headers) => {
      await fc.assert(
        fc.asyncProperty(headers, async (header) => {
          figures.loaderCases++;
          store.reset();
          const { handle } = await load(header); // resolves: a bad cookie is no cookie, never an error
          expect(handle.isNew).toBe(true);
          if (store.calls.length > 0) expect(carriesGenuineCookie(header, secret)).toBe(true);
        }),
        { numRuns: RUNS[family] ?? DEFAULT_RUNS },
      );
    },
  );

  it('reaches the store exactly once, by the token hash, for a genuine cookie (the control)', async () => {
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        figures.loaderCases++;
        store.reset();
        await load(`theme=dark; sid=${signedValue(secret, t)}`);
        expect(store.calls).toEqual([{ method: 'find', id: hashToken(t) }]);
      }),
      { numRuns: 200 },
    );
  });
});

describe.each(ADAPTERS)('fuzzed cookie headers over HTTP (%s)', (adapter) => {
  const store = new RecordingSessionStore();
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createHttpApp(adapter, {
      imports: [SessionModule.forRoot({ secret, store, cleanup: false })],
      controllers: [AccountController],
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('answers 401 on a guarded route and 200 on an open one, never 500, asking the store only for a genuine cookie', async () => {
    const header = fc.oneof(...families.map(([, headers]) => headers), inHeader(fc.string()));
    await fc.assert(
      fc.asyncProperty(header.map(sendable), fc.boolean(), async (cookie, guarded) => {
        figures.httpCases++;
        store.reset();
        const res = await request(baseUrl)
          .get(guarded ? '/me' : '/peek')
          .set('Cookie', cookie);
        if (res.status === 431) return; // too large for the HTTP server itself: never reached Nest
        expect(res.status).toBe(guarded ? 401 : 200);
        if (!guarded) expect(res.body).toMatchObject({ isNew: true, userId: null });
        if (store.calls.length > 0) expect(carriesGenuineCookie(cookie, secret)).toBe(true);
      }),
      { numRuns: HTTP_RUNS },
    );
  });
});
