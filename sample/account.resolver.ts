import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthGuard, CsrfGuard, Session } from '../lib/index.js';
import type { AppSession, Theme } from './app-session.interface.js';
import { signedInUser } from './signed-in-user.util.js';

/** The schema served at `/graphql` (schema-first: no type classes to compile). */
export const ACCOUNT_SDL = /* GraphQL */ `
  enum Theme {
    light
    dark
  }

  "The signed-in user, as the account page shows them."
  type Me {
    userId: ID!
    username: String!
    theme: Theme!
  }

  type Query {
    "Who is signed in; an UNAUTHENTICATED error without a session."
    me: Me!
  }

  type Mutation {
    "Picks a colour scheme. Send the session's CSRF token in the x-csrf-token header."
    setTheme(value: Theme!): Theme!
  }
`;

/** What `me` answers. */
export interface Me {
  userId: string;
  username: string;
  theme: Theme;
}

/**
 * The account over GraphQL: the same session as the pages (one cookie, one row), read and
 * changed by resolvers with the same `@Session()`, `AuthGuard` and `CsrfGuard`.
 */
@Resolver()
export class AccountResolver {
  @Query('me')
  @UseGuards(AuthGuard)
  me(@Session() session: Session<AppSession>): Me {
    return {
      userId: signedInUser(session),
      username: session.get('username') ?? '',
      theme: session.get('theme') ?? 'light',
    };
  }

  @Mutation('setTheme')
  @UseGuards(AuthGuard, CsrfGuard)
  setTheme(@Args('value') value: Theme, @Session() session: Session<AppSession>): Theme {
    session.set('theme', value); // saved once the operation ends, before the response
    return value;
  }
}
