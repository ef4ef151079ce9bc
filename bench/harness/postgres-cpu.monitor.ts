import pg from 'pg';
import { cpuBetween, cpuOf } from './proc-cpu.util.js';

/** CPU of a server's Postgres processes at one instant (microseconds by pid). */
export interface PostgresCpuSnapshot {
  /** The client backends serving the server's connections (by `application_name`). */
  backends: Map<number, number>;
  /** Postgres's own processes (WAL writer, checkpointer, autovacuum, ...), shared by all. */
  background: Map<number, number>;
}

/** CPU microseconds Postgres spent between two snapshots. */
export interface PostgresCpu {
  backends: number;
  background: number;
}

/**
 * Finds a server's Postgres backends through `pg_stat_activity` (every server connects with an
 * `application_name` of its own) and reads their CPU from `/proc/<pid>/stat`, keeping only
 * processes named `postgres` (so a recycled pid is never counted).
 */
export class PostgresCpuMonitor {
  private constructor(private readonly client: pg.Client) {}

  static async connect(databaseUrl: string): Promise<PostgresCpuMonitor> {
    const client = new pg.Client({
      connectionString: databaseUrl,
      application_name: 'nestjs-sessions-bench:monitor',
    });
    await client.connect();
    return new PostgresCpuMonitor(client);
  }

  async snapshot(applicationName: string): Promise<PostgresCpuSnapshot> {
    const { rows } = await this.client.query<{
      pid: number;
      application_name: string;
      backend_type: string;
    }>(
      'SELECT pid, application_name, backend_type FROM pg_stat_activity WHERE pid <> pg_backend_pid()',
    );
    const backends = rows.filter((r) => r.application_name === applicationName).map((r) => r.pid);
    const background = rows.filter((r) => r.backend_type !== 'client backend').map((r) => r.pid);
    return { backends: cpuOf(backends, 'postgres'), background: cpuOf(background, 'postgres') };
  }

  static between(before: PostgresCpuSnapshot, after: PostgresCpuSnapshot): PostgresCpu {
    return {
      backends: cpuBetween(before.backends, after.backends),
      background: cpuBetween(before.background, after.background),
    };
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
