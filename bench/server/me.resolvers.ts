import { UseGuards } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { AuthGuard, Session } from '../../lib/index.js';
import { BENCH_USER } from '../bench.config.js';

/** The schema both resolvers serve (schema-first: no type classes to build), for BENCH_GRAPHQL_QUERY. */
export const ME_SDL = /* GraphQL */ `
  type Me {
    userId: String!
  }
  type Query {
    me: Me
  }
`;

/** `{ me { userId } }` with no session: the floor of the GraphQL variants. */
@Resolver()
export class FloorMeResolver {
  @Query('me')
  me() {
    return { userId: BENCH_USER };
  }
}

/** `{ me { userId } }` read from the session, written the way the README's GraphQL section shows. */
@Resolver()
export class OursMeResolver {
  @UseGuards(AuthGuard)
  @Query('me')
  me(@Session() session: Session) {
    return { userId: session.userId };
  }
}
