import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** PostgreSQL takes at most 65,535 bind parameters per statement. */
const MAX_PARAMETERS = 65_000;

/** Splits rows into statements that stay under the bind-parameter limit. */
export function chunksFor<T>(rows: readonly T[], columnsPerRow: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / columnsPerRow));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** `excluded."<column>"`: the value the conflicting insert proposed, for onConflictDoUpdate sets. */
export function excluded(column: AnyColumn): SQL {
  return sql.raw(`excluded."${column.name}"`);
}
