import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

/**
 * The database every query takes: PostgreSQL through postgres.js in the bot and the worker, or
 * the embedded PGlite of `costbot analyze` (src/db/embedded.ts), with the same schema and queries.
 */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;

/** The rows of a raw query, whichever driver runs it (postgres.js returns an array, PGlite `{ rows }`). */
export async function executeRows<Row>(db: Pick<Db, 'execute'>, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown;
  return Array.isArray(result) ? (result as Row[]) : (result as { rows: Row[] }).rows;
}

export interface DbHandle {
  db: Db;
  /** Closes the pool, letting running queries finish for up to `timeoutSeconds`. */
  close(timeoutSeconds?: number): Promise<void>;
}

/** Pool options the processes tune; see postgres.js `max`. */
export interface DbOptions {
  /** Pool size. @defaultValue 10 */
  max?: number;
}

export function createDb(url: string, options: DbOptions = {}): DbHandle {
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  return {
    db: drizzle(sql, { schema }),
    close: (timeoutSeconds = 5) => sql.end({ timeout: timeoutSeconds }),
  };
}
