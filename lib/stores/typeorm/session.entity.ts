import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SessionData } from '../session-record.interface.js';

/**
 * The `sessions` table, as created by the migration in `sessionMigrations`. Register it in
 * your TypeORM `entities`; never let `synchronize` create it.
 *
 * `TypeOrmSessionStore` reads and writes this table with raw SQL on the hot path; the entity
 * is the schema's single source of truth (migrations are checked against it in tests).
 *
 * @publicApi
 */
@Entity({ name: 'sessions' })
export class SessionEntity {
  /** SHA-256 of the cookie's token (base64url, 43 characters); never the token itself. */
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_sessions' })
  id!: string;

  @Index('IDX_sessions_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true })
  userId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data!: SessionData;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Index('IDX_sessions_expires_at')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'authenticated_at', type: 'timestamptz', nullable: true })
  authenticatedAt!: Date | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip!: string | null;
}
