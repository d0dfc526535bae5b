import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { DbHandle } from './client.js';
import { migrationsFolder } from './run-migrations.js';
import * as schema from './schema/index.js';

/**
 * An embedded PostgreSQL (PGlite, PostgreSQL compiled to WebAssembly) in a temporary folder, with
 * the committed migrations applied: `costbot analyze` runs the worker's own jobs and queries on it
 * without a database server. close() shuts it down and deletes the folder.
 */
export async function createEmbeddedDb(): Promise<DbHandle & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'costbot-analyze-'));
  try {
    const client = await PGlite.create({ dataDir });
    const db = drizzle({ client, schema });
    await migrate(db, { migrationsFolder });
    return {
      db,
      dataDir,
      async close() {
        await client.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
