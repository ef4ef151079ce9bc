import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SessionData } from '../session-record.interface.js';

/**
 * {@link SessionEntity}'s twin for databases without `jsonb` and `timestamptz`: MariaDB,
 * MySQL and SQLite (`better-sqlite3`). The same `sessions` table, columns and indexes, with
 * `data` a `json` column and dates `datetime(3)` holding UTC. Register it in your TypeORM
 * `entities` instead of `SessionEntity` on those databases; `sessionMigrations` creates
 * the matching table on each of them.
 *
 * One difference: `data` has no column default (MySQL refuses defaults on JSON columns); the
 * store always writes it.
 *
 * `TypeOrmSessionStore` binds and reads the dates as UTC text itself; if you read this table
 * through TypeORM on MariaDB/MySQL, set the DataSource's `timezone: 'Z'` so TypeORM does too.
 *
 * @publicApi
 */
@Entity({ name: 'sessions' })
export class PortableSessionEntity {
  /** SHA-256 of the cookie's token (base64url, 43 characters); never the token itself. */
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_sessions' })
  id!: string;

  @Index('IDX_sessions_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true })
  userId!: string | null;

  @Column({ type: 'json' })
  data!: SessionData;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'datetime', precision: 3 })
  lastSeenAt!: Date;

  @Index('IDX_sessions_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'authenticated_at', type: 'datetime', precision: 3, nullable: true })
  authenticatedAt!: Date | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip!: string | null;
}
