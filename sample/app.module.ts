import { Module, ValidationPipe } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ApolloDriver } from '@nestjs/apollo';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { GraphQLModule } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionEntity, SessionModule, sessionMigrations } from '../lib/index.js';
import { AccountController } from './account.controller.js';
import { ACCOUNT_SDL, AccountResolver } from './account.resolver.js';
import { AuditLog } from './audit-log.service.js';
import { DevicesController } from './devices.controller.js';
import { FormErrorFilter } from './form-error.filter.js';
import { HealthController } from './health.controller.js';
import { LiveSessionController } from './live-session.controller.js';
import { LiveSessionGateway } from './live-session.gateway.js';
import { SecurityController } from './security.controller.js';
import { SESSION_POLICIES } from './session-policies.constants.js';
import { SignInController } from './sign-in.controller.js';
import { UsersService } from './users.service.js';

/** What the sample needs from its environment (see `main.ts`). */
export interface AppModuleOptions {
  /** `postgres://` URL of the database holding the `sessions` table. */
  databaseUrl: string;
  /** Postgres schema for the tables; the server's default (`public`) when omitted. */
  schema?: string;
  /** Signs the session cookies: at least 32 characters (`openssl rand -base64 48`). */
  sessionSecret: string;
}

/**
 * The sample app, wired the way the README's quick start shows: TypeORM with the sessions entity and its
 * migrations (never `synchronize`), and `SessionModule`. `register()` takes the database and
 * secret so that `main.ts` and the tests can each pass their own.
 *
 * Account policies (`session-policies.constants.ts`): "Keep me signed in" (`rememberMe`), at
 * most 3 devices per user (`maxSessionsPerUser`, the oldest signed out), and a Security page
 * that asks for the password again (`@RequireFreshAuth`). `EventEmitterModule` lets the library
 * report session events (the Security page's log, `AuditLog`); `TerminusModule` serves
 * `/health`, with the library's `SessionStoreHealthIndicator`.
 *
 * The same session also serves GraphQL at `/graphql` (Apollo, on Express or Fastify: the
 * driver picks its integration from the adapter) and the socket.io gateway the signed-in pages
 * connect to (Nest's default WebSocket adapter, on the app's own HTTP server): no session
 * option is needed for either.
 */
@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.databaseUrl,
          ...(options.schema === undefined ? {} : { schema: options.schema }),
          entities: [SessionEntity],
          migrations: [...sessionMigrations],
          migrationsRun: true,
        }),
        EventEmitterModule.forRoot(),
        TerminusModule,
        SessionModule.forRoot({
          secret: options.sessionSecret,
          ...SESSION_POLICIES,
          // AuthGuard sends browsers without a session here (303) instead of answering 401.
          loginPath: '/login',
          // This sample serves plain http on 127.0.0.1, where a Secure cookie would never be
          // sent back. Behind https (every real deployment) keep the default, `secure: true`.
          cookie: { secure: false },
        }),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          typeDefs: ACCOUNT_SDL,
          // No GraphiQL page: it loads its script from a CDN, and the sample makes no
          // external requests. POST JSON to /graphql (see the README).
          graphiql: false,
          includeStacktraceInErrorResponses: false,
        }),
      ],
      controllers: [
        SignInController,
        AccountController,
        DevicesController,
        SecurityController,
        HealthController,
        LiveSessionController,
      ],
      providers: [
        UsersService,
        AuditLog,
        AccountResolver,
        LiveSessionGateway,
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }),
        },
        // A refused form (or one too large for the body parser) gets a page, not JSON.
        { provide: APP_FILTER, useClass: FormErrorFilter },
      ],
    };
  }
}
