import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Module,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Cluster } from 'ioredis';
import { DataSource } from 'typeorm';
import {
  AuthGuard,
  RedisSessionStore,
  SESSION_EVENTS,
  Session,
  SessionEntity,
  SessionModule,
  SessionService,
  TypeOrmSessionStore,
} from '../../lib/index.js';
import type { SessionEvent, SessionStore } from '../../lib/index.js';
import { INSTANCE_SECRET, instanceConfigFromEnv } from './instance.config.js';
import type { InstanceConfig, InstanceStats } from './instance.config.js';

// One app instance in a process of its own, as deployed behind a load balancer: started by
// `instances.ts` (transpiled to JavaScript first), configured by `NESTJS_SESSIONS_INSTANCE_CONFIG`,
// printing `ready <port>` once it listens on a free loopback port.

/** What this instance observed: read by the test through `GET /stats`. */
@Injectable()
class InstanceStatsRecorder {
  readonly stats: InstanceStats = { storeReads: 0, expired: [] };

  @OnEvent(SESSION_EVENTS.expired)
  onExpired(event: SessionEvent): void {
    this.stats.expired.push(event.id);
  }
}

@Controller()
class InstanceController {
  constructor(
    private readonly sessions: SessionService,
    private readonly recorder: InstanceStatsRecorder,
  ) {}

  @Post('login')
  @HttpCode(200)
  async login(@Body() body: { userId: string }, @Session() session: Session) {
    await this.sessions.signIn(session, body.userId);
    return { id: session.id };
  }

  @UseGuards(AuthGuard)
  @Get('me')
  me(@Session() session: Session) {
    return { id: session.id, userId: session.userId };
  }

  @UseGuards(AuthGuard)
  @Post('data/:key')
  @HttpCode(200)
  setData(@Param('key') key: string, @Body() body: { value: string }, @Session() session: Session) {
    session.set(key, body.value);
    return { key };
  }

  @UseGuards(AuthGuard)
  @Get('data/:key')
  getData(@Param('key') key: string, @Session() session: Session) {
    return { value: session.get(key) ?? null };
  }

  @UseGuards(AuthGuard)
  @Post('logout')
  @HttpCode(204)
  async logout(@Session() session: Session) {
    await this.sessions.signOut(session);
  }

  /** An administrator's action in a real app (unguarded here: the test is the administrator). */
  @Post('revoke/:id')
  @HttpCode(204)
  async revoke(@Param('id') id: string) {
    await this.sessions.revoke(id);
  }

  @Post('revoke-all/:userId')
  @HttpCode(200)
  async revokeAll(@Param('userId') userId: string) {
    return { revoked: await this.sessions.revokeAllForUser(userId) };
  }

  @Post('sweep')
  @HttpCode(200)
  async sweep() {
    return { deleted: await this.sessions.deleteExpired() };
  }

  @Get('stats')
  stats(): InstanceStats {
    return this.recorder.stats;
  }
}

/** Replies name their message (`{ event, data }`), as `test/ws/socket-client.ts` expects. */
@WebSocketGateway()
class InstanceGateway {
  @SubscribeMessage('whoami')
  whoami(@Session() session: Session) {
    return { event: 'whoami', data: { id: session.id, userId: session.userId } };
  }

  @UseGuards(AuthGuard)
  @SubscribeMessage('secret')
  secret(@Session() session: Session) {
    return { event: 'secret', data: { userId: session.userId } };
  }
}

/** The instance's store on its own connections, and how to close them after the app. */
interface InstanceBackend {
  store: SessionStore;
  close(): Promise<void>;
}

async function connectStore(config: InstanceConfig): Promise<InstanceBackend> {
  const { store } = config;
  if (store.kind === 'postgres') {
    const dataSource = new DataSource({
      type: 'postgres',
      url: store.url,
      schema: store.schema,
      entities: [SessionEntity],
    });
    await dataSource.initialize();
    const direct = store.invalidationUrl
      ? new DataSource({ type: 'postgres', url: store.invalidationUrl, schema: store.schema })
      : undefined;
    await direct?.initialize();
    const options = {
      preparedStatements: store.preparedStatements,
      invalidationDataSource: direct,
    };
    return {
      store: new TypeOrmSessionStore(dataSource, options),
      close: async () => {
        await dataSource.destroy();
        await direct?.destroy();
      },
    };
  }
  // failing fast (the library answers 503), as the Redis README advises; no `CLIENT SETINFO`,
  // which Redis 7.0 answers with an error
  const cluster = new Cluster(store.nodes, {
    slotsRefreshTimeout: 2_000,
    redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2_000, disableClientInfo: true },
  });
  return {
    store: new RedisSessionStore(cluster, { prefix: store.prefix }),
    close: async () => {
      await cluster.quit();
    },
  };
}

/** `store`, counting the reads that reach it (the read cache, when on, sits above it). */
function countingReads(store: SessionStore, stats: InstanceStats): SessionStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'find' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        stats.storeReads++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

@Module({})
class InstanceModule {
  static register(config: InstanceConfig, store: SessionStore): DynamicModule {
    const recorder = new InstanceStatsRecorder();
    return {
      module: InstanceModule,
      imports: [
        EventEmitterModule.forRoot(),
        SessionModule.forRoot({
          secret: INSTANCE_SECRET,
          store: countingReads(store, recorder.stats),
          cache: config.cache ? { ttl: '1h' } : false,
          cleanup: { interval: '1h', batchSize: config.sweepBatch },
        }),
      ],
      controllers: [InstanceController],
      providers: [{ provide: InstanceStatsRecorder, useValue: recorder }, InstanceGateway],
    };
  }
}

async function start(config: InstanceConfig): Promise<void> {
  const backend = await connectStore(config);
  const module = InstanceModule.register(config, backend.store);
  const logger: ('error' | 'warn')[] = ['error', 'warn'];
  const app: INestApplication =
    config.adapter === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), { logger })
      : await NestFactory.create(module, { logger });
  app.useWebSocketAdapter(config.sockets === 'ws' ? new WsAdapter(app) : new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  process.stdout.write(`ready ${port}\n`);

  // SIGTERM from the test (by pid), or the end of stdin: the test process is gone, and no
  // instance outlives it
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void app
      .close()
      .then(() => backend.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.stdin.once('end', stop).resume();
}

await start(instanceConfigFromEnv(process.env));
