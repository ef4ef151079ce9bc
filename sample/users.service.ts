import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
) => Promise<Buffer>;

const KEY_LENGTH = 64;

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
  salt: Buffer;
  passwordHash: Buffer;
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
 * An in-memory user directory. Passwords are kept only as scrypt hashes, each with its own
 * random salt, and compared in constant time. A real app keeps users in its database.
 */
@Injectable()
export class UsersService {
  private readonly users: Promise<Map<string, StoredUser>> = hashUsers(DEMO_USERS);
  /** Compared against when the username is unknown, so both cases take the same time. */
  private readonly decoy: Promise<StoredUser> = hashUser({
    id: '',
    username: '',
    password: 'decoy',
  });

  /** The user with these credentials, or `null`. */
  async verify(username: string, password: string): Promise<User | null> {
    const user = (await this.users).get(username);
    const candidate = user ?? (await this.decoy);
    const hash = await scryptAsync(password, candidate.salt, KEY_LENGTH);
    const matches = timingSafeEqual(hash, candidate.passwordHash);
    return user && matches ? { id: user.id, username: user.username } : null;
  }

  /** The user with this id, or `null`. */
  async findById(id: string): Promise<User | null> {
    for (const user of (await this.users).values()) {
      if (user.id === id) return { id: user.id, username: user.username };
    }
    return null;
  }
}

async function hashUsers(users: readonly DemoUser[]): Promise<Map<string, StoredUser>> {
  const stored = await Promise.all(users.map(hashUser));
  return new Map(stored.map((user) => [user.username, user]));
}

async function hashUser(user: DemoUser): Promise<StoredUser> {
  const salt = randomBytes(16);
  const passwordHash = await scryptAsync(user.password, salt, KEY_LENGTH);
  return { id: user.id, username: user.username, salt, passwordHash };
}
