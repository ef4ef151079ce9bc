import { CreateSessionsTable1764115200000 } from './1764115200000-create-sessions-table.js';

/**
 * The migrations that create the tables of this library, in order. Spread them into your
 * TypeORM `migrations` option: `migrations: [...sessionMigrations, ...yourOwn]`.
 *
 * @publicApi
 */
export const sessionMigrations = [CreateSessionsTable1764115200000];

export { CreateSessionsTable1764115200000 };
