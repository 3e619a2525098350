import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';

/** One running server process, as the registry knows it. */
export interface ServerInstanceRow {
  readonly instanceId: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly heartbeatAt: number;
}

/** What the server-instance registry needs from storage. */
export interface ServerInstancesStore {
  /** Registers `row`, or refreshes its heartbeat when it is registered already. */
  upsert(row: ServerInstanceRow): Promise<void>;
  list(): Promise<ServerInstanceRow[]>;
  remove(instanceIds: readonly string[]): Promise<void>;
}

export class ServerInstancesRepository implements ServerInstancesStore {
  readonly #db: Kysely<Database>;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db;
  }

  async upsert(row: ServerInstanceRow): Promise<void> {
    await this.#db
      .insertInto('server_instances')
      .values({
        instance_id: row.instanceId,
        host: row.host,
        pid: row.pid,
        started_at: row.startedAt,
        heartbeat_at: row.heartbeatAt,
      })
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ heartbeat_at: row.heartbeatAt }))
      .execute();
  }

  async list(): Promise<ServerInstanceRow[]> {
    const rows = await this.#db.selectFrom('server_instances').selectAll().execute();
    return rows.map((r) => ({
      instanceId: r.instance_id,
      host: r.host,
      pid: Number(r.pid),
      startedAt: Number(r.started_at),
      heartbeatAt: Number(r.heartbeat_at),
    }));
  }

  async remove(instanceIds: readonly string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    await this.#db
      .deleteFrom('server_instances')
      .where('instance_id', 'in', [...instanceIds])
      .execute();
  }
}
