import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Applies the committed drizzle-kit migrations on a connection of its own (max: 1), as drizzle
 * recommends. Applied migrations are recorded in drizzle.__drizzle_migrations, so a second run is a no-op.
 * `folder` is for tests that upgrade a database from an earlier migration.
 */
export async function runMigrations(url: string, folder = migrationsFolder): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(sql), { migrationsFolder: folder });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
