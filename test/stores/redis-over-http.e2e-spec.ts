import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { hashToken, SessionTokenCodec } from '../../lib/cookie/session-token.codec.js';
import { RedisSessionStore, SessionModule } from '../../lib/index.js';
import { AccountController } from '../fixtures/account.controller.js';
import { ADAPTERS, cookieFrom, createHttpApp } from '../support/http-app.js';
import {
  deleteKeysWithPrefix,
  keysWithPrefix,
  testRedisUrl,
  uniquePrefix,
  unreachableRedis,
} from '../support/redis.js';
import { describeStoreOverHttp } from '../support/store-http-flow.js';

const secret = 'r'.repeat(32);
const redisUrl = await testRedisUrl('RedisSessionStore over HTTP');

describe.each(ADAPTERS)('RedisSessionStore with Redis down, over HTTP (%s)', (adapter) => {
  let client: Redis;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeEach(async () => {
    client = await unreachableRedis();
    app = await createHttpApp(adapter, {
      imports: [
        SessionModule.forRoot({ secret, store: new RedisSessionStore(client), cleanup: false }),
      ],
      controllers: [AccountController],
    });
  });

  afterEach(async () => {
    await app.close();
    client.disconnect();
  });

  it('answers 503 with Retry-After where the session is needed, and 200 where it is not', async () => {
    const codec = new SessionTokenCodec([secret]);
    const cookie = `sid=${codec.sign(codec.generate())}`;
    const res = await http().get('/me').set('Cookie', cookie).expect(503);
    expect(res.headers['retry-after']).toBe('5');
    await http().get('/peek').expect(200); // no cookie: a fresh session, no Redis call
  });
});

if (redisUrl) {
  describeStoreOverHttp('RedisSessionStore', () => {
    const client = new Redis(redisUrl);
    const prefix = uniquePrefix();
    return Promise.resolve({
      store: new RedisSessionStore(client, { prefix }),
      teardown: async () => {
        await deleteKeysWithPrefix(client, prefix);
        await client.quit();
      },
    });
  });

  describe.each(ADAPTERS)('RedisSessionStore at rest, over HTTP (%s)', (adapter) => {
    let client: Redis;
    let prefix: string;
    let app: INestApplication;

    beforeEach(async () => {
      client = new Redis(redisUrl);
      prefix = uniquePrefix();
      app = await createHttpApp(adapter, {
        imports: [
          SessionModule.forRoot({
            secret,
            store: new RedisSessionStore(client, { prefix }),
            cleanup: false,
          }),
        ],
        controllers: [AccountController],
      });
    });

    afterEach(async () => {
      await app.close();
      await deleteKeysWithPrefix(client, prefix);
      await client.quit();
    });

    it('keeps the token’s SHA-256 and never the token, in keys or values', async () => {
      const login = await request(app.getHttpServer())
        .post('/login')
        .send({ userId: 'at-rest' })
        .expect(200);
      const token = new SessionTokenCodec([secret]).verify(cookieFrom(login)!.slice('sid='.length));
      expect(token).not.toBeNull();
      const keys = await keysWithPrefix(client, prefix);
      expect(keys.sort()).toEqual(
        [`${prefix}user:{at-rest}`, `${prefix}{${hashToken(token!)}}`].sort(),
      );
      const stored = [...keys];
      stored.push(...Object.values(await client.hgetall(`${prefix}{${hashToken(token!)}}`)));
      stored.push(...(await client.zrange(`${prefix}user:{at-rest}`, 0, -1)));
      for (const text of stored) expect(text).not.toContain(token);
    });
  });
}
