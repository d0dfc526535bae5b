import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Db = PostgresJsDatabase<typeof schema>;

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
