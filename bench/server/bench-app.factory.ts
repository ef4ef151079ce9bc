import { Module } from '@nestjs/common';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { TypeOrmModule } from '@nestjs/typeorm';
import connectPgSimple from 'connect-pg-simple';
import expressSession from 'express-session';
import pg from 'pg';
import { DataSource } from 'typeorm';
import {
  SessionEntity,
  SessionModule,
  TypeOrmSessionStore,
  sessionMigrations,
} from '../../lib/index.js';
import type { SessionModuleOptions } from '../../lib/index.js';
import { BENCH_SECRET, POOL_SIZE } from '../bench.config.js';
import { applicationNameOf, schemaOf } from '../bench.variants.js';
import type { Variant } from '../bench.variants.js';
import { ExpressSessionController } from './express-session.controller.js';
import { FastifySessionController } from './fastify-session.controller.js';
import { FloorController } from './floor.controller.js';
import { OursController } from './ours.controller.js';
import { useSocketPlatform, withTransport } from './transport-app.factory.js';

@Module({})
class BenchModule {}

const NEST_LOGGER = ['error', 'warn'] as const;

/** The variant's Nest app, initialised but not listening. */
export async function createBenchApp(
  variant: Variant,
  databaseUrl: string,
): Promise<INestApplication> {
  switch (variant.family) {
    case 'floor':
      return createApp(variant, { module: BenchModule, controllers: [FloorController] });
    case 'ours':
      return createApp(variant, oursModule(variant, databaseUrl));
    case 'express-session':
      return createExpressSessionApp(variant, databaseUrl);
    case 'fastify-session':
      return createFastifySessionApp(variant, databaseUrl);
  }
}

/** The app of a floor or ours variant, with its GraphQL module or gateway when it has one. */
async function createApp(variant: Variant, base: DynamicModule): Promise<INestApplication> {
  const module = await withTransport(variant, base);
  const app =
    variant.adapter === 'express'
      ? await NestFactory.create<NestExpressApplication>(module, { logger: [...NEST_LOGGER] })
      : await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
          logger: [...NEST_LOGGER],
        });
  await useSocketPlatform(variant, app);
  return app;
}

/**
 * As the README's quick start: TypeORM with the entity and migrations, SessionModule with its defaults (or the
 * TypeORM store told to run unnamed statements), plus the variant's `sessionOptions` (the "+ cache" variants'
 * `cache`, over HTTP, GraphQL and WebSockets alike).
 */
function oursModule(variant: Variant, databaseUrl: string): DynamicModule {
  const options: SessionModuleOptions = {
    secret: BENCH_SECRET,
    cookie: { secure: false },
    ...variant.sessionOptions,
  };
  const sessionModule =
    variant.preparedStatements === false
      ? SessionModule.forRootAsync({
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => ({
            ...options,
            store: new TypeOrmSessionStore(dataSource, { preparedStatements: false }),
          }),
        })
      : SessionModule.forRoot(options);
  return {
    module: BenchModule,
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: databaseUrl,
        schema: schemaOf(variant),
        applicationName: applicationNameOf(variant),
        poolSize: POOL_SIZE,
        entities: [SessionEntity],
        migrations: sessionMigrations,
        migrationsRun: true,
      }),
      sessionModule,
    ],
    controllers: [OursController],
  };
}

function pool(variant: Variant, databaseUrl: string): pg.Pool {
  return new pg.Pool({
    connectionString: databaseUrl,
    application_name: applicationNameOf(variant),
    max: POOL_SIZE,
  });
}

/**
 * express-session with connect-pg-simple, as their READMEs set them up: `resave: false` and
 * `saveUninitialized: false` (express-session deprecates leaving them unset), everything
 * else at its default, so an unmodified session is touched (an UPDATE) on every request
 * unless connect-pg-simple's `disableTouch` is set.
 */
async function createExpressSessionApp(
  variant: Variant,
  databaseUrl: string,
): Promise<INestApplication> {
  const PgStore = connectPgSimple(expressSession);
  const store = new PgStore({
    pool: pool(variant, databaseUrl),
    schemaName: schemaOf(variant),
    createTableIfMissing: true,
    disableTouch: variant.disableTouch === true,
  }) as expressSession.Store;
  const app = await NestFactory.create<NestExpressApplication>(
    { module: BenchModule, controllers: [ExpressSessionController] },
    { logger: [...NEST_LOGGER] },
  );
  app.use(expressSession({ store, secret: BENCH_SECRET, resave: false, saveUninitialized: false }));
  return app;
}

/**
 * @fastify/session with connect-pg-simple, at their defaults (`rolling: true`: every response
 * saves the session) except `cookie.secure: false` (plain HTTP here) and the variant's `rolling`.
 */
async function createFastifySessionApp(
  variant: Variant,
  databaseUrl: string,
): Promise<INestApplication> {
  const PgStore = connectPgSimple(fastifySession);
  const store = new PgStore({
    pool: pool(variant, databaseUrl),
    schemaName: schemaOf(variant),
    createTableIfMissing: true,
  }) as fastifySession.SessionStore;
  const app = await NestFactory.create<NestFastifyApplication>(
    { module: BenchModule, controllers: [FastifySessionController] },
    new FastifyAdapter(),
    { logger: [...NEST_LOGGER] },
  );
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: BENCH_SECRET,
    store,
    cookie: { secure: false },
    ...(variant.rolling === undefined ? {} : { rolling: variant.rolling }),
  });
  return app;
}
