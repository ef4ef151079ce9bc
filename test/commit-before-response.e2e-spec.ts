import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MemorySessionStore, SessionModule } from '../lib/index.js';
import { ResponseShapesController } from './fixtures/response-shapes.controller.js';
import { ADAPTERS, cookieFrom, createHttpApp, setCookies } from './support/http-app.js';

/**
 * The commit runs from the response's own end (no interceptor): whatever shape the response
 * takes, the session is stored and its cookie set before the client has the response.
 */
describe.each(ADAPTERS)('the commit before the response goes out (%s)', (adapter) => {
  let app: INestApplication;
  let store: MemorySessionStore;

  beforeAll(async () => {
    store = new MemorySessionStore();
    app = await createHttpApp(adapter, {
      imports: [
        SessionModule.forRoot({
          secret: 'c'.repeat(32),
          store,
          cleanup: false,
          maxDataSize: 4_096,
        }),
      ],
      controllers: [ResponseShapesController],
    });
  });
  afterAll(() => app.close());

  const valueWith = (cookie: string | undefined) =>
    request(app.getHttpServer())
      .get('/shapes/value')
      .set('Cookie', cookie ?? '');

  it('sets the cookie of a streamed body and stores its session', async () => {
    const response = await request(app.getHttpServer()).post('/shapes/stream').buffer(true);
    expect(response.status).toBe(201);
    expect(Buffer.byteLength(response.body as Buffer)).toBe(100_000);
    const cookie = cookieFrom(response);
    expect(cookie).toBeDefined();
    const read = await valueWith(cookie);
    expect(read.body).toEqual({ shape: 'stream', userId: 'streamer' });
  });

  it('sets the cookie of a redirect and stores its session', async () => {
    const response = await request(app.getHttpServer()).post('/shapes/redirect');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/elsewhere');
    const read = await valueWith(cookieFrom(response));
    expect(read.body).toEqual({ shape: 'redirect', userId: null });
  });

  if (adapter === 'express') {
    it('sets the cookie of a response the app writes itself, in parts', async () => {
      const response = await request(app.getHttpServer()).post('/shapes/raw');
      expect(response.status).toBe(200);
      expect(response.text).toBe('first second last');
      const read = await valueWith(cookieFrom(response));
      expect(read.body).toEqual({ shape: 'raw', userId: null });
    });
  }

  it('answers a commit that fails in place of the response: no ETag, no cookie, nothing stored', async () => {
    const before = store.size;
    const response = await request(app.getHttpServer()).post('/shapes/too-big');
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ statusCode: 500 });
    expect(String((response.body as { message: string }).message)).toContain('maxDataSize');
    expect(response.headers.etag).toBeUndefined();
    expect(setCookies(response)).toEqual([]);
    expect(store.size).toBe(before);
  });
});
