import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/** A user of the sample app. */
export interface User {
  id: string;
  username: string;
}

/** A demo user with the password to sign in with. */
export interface DemoUser extends User {
  password: string;
}

interface StoredUser extends User {
  /** Argon2id hash in PHC format (`$argon2id$v=19$m=…`), salt included. */
  passwordHash: string;
}

/**
 * The demo users, for trying the sample out. Never use these outside this sample.
 *
 * | username | password         |
 * | -------- | ---------------- |
 * | `alice`  | `wonderland-123` |
 * | `bob`    | `builder-456`    |
 */
export const DEMO_USERS: readonly [DemoUser, ...DemoUser[]] = [
  { id: 'user-1', username: 'alice', password: 'wonderland-123' },
  { id: 'user-2', username: 'bob', password: 'builder-456' },
];

/**
 * An in-memory user directory, seeded with {@link DEMO_USERS}. Passwords are kept only as
 * Argon2id hashes (each with its own random salt). A real app keeps users in its database.
 */
@Injectable()
export class UsersService {
  private readonly users: Promise<Map<string, StoredUser>> = hashUsers(DEMO_USERS);
  /** Verified against when the username is unknown, so both cases take the same time. */
  private readonly decoy: Promise<string> = hash('decoy password');

  /** The user with these credentials, or `null`. */
  async verify(username: string, password: string): Promise<User | null> {
    const user = (await this.users).get(username);
    const matches = await verify(user?.passwordHash ?? (await this.decoy), password);
    return user && matches ? { id: user.id, username: user.username } : null;
  }

  /** Whether `password` is the signed-in user's own ("Confirm your password"). */
  async confirm(userId: string, password: string): Promise<boolean> {
    const user = [...(await this.users).values()].find((stored) => stored.id === userId);
    return (await this.verify(user?.username ?? '', password)) !== null;
  }
}

async function hashUsers(users: readonly DemoUser[]): Promise<Map<string, StoredUser>> {
  const stored = await Promise.all(
    users.map(async ({ id, username, password }) => ({
      id,
      username,
      passwordHash: await hash(password),
    })),
  );
  return new Map(stored.map((user) => [user.username, user]));
}
