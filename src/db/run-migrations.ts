import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Migrations recorded as applied; 0 before the first run (no drizzle schema yet). */
async function appliedCount(sql: postgres.Sql): Promise<number> {
  const [table] = await sql<{ exists: boolean }[]>`
    select to_regclass('drizzle.__drizzle_migrations') is not null as exists`;
  if (!table?.exists) return 0;
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return row?.n ?? 0;
}

/**
 * Applies the committed drizzle-kit migrations on a connection of its own (max: 1), as drizzle
 * recommends. Applied migrations are recorded in drizzle.__drizzle_migrations, so a second run is a no-op.
 * `folder` is for tests that upgrade a database from an earlier migration. Returns how many
 * migrations this run applied and how many are applied in all.
 */
export async function runMigrations(
  url: string,
  folder = migrationsFolder,
): Promise<{ applied: number; total: number }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const before = await appliedCount(sql);
    await migrate(drizzle(sql), { migrationsFolder: folder });
    const total = await appliedCount(sql);
    return { applied: total - before, total };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
