import { asc, desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * Keyset ("seek") paging shared by the JSON API's list queries: rows are ordered by a sort key
 * and a unique tie-breaker, and a page starts strictly after the last row of the previous one.
 * Unlike OFFSET, rows inserted meanwhile never shift a page, and the cost does not grow with depth.
 */

export type SortOrder = 'asc' | 'desc';

/** `ORDER BY key <order>, tieBreaker <order>`. */
export function keysetOrder(key: SQL | AnyColumn, tieBreaker: AnyColumn, order: SortOrder): SQL[] {
  const dir = order === 'desc' ? desc : asc;
  return [dir(key), dir(tieBreaker)];
}

/**
 * Rows strictly after (`afterKey`, `afterTieBreaker`) in that order, as one row-value comparison
 * (both columns run in the same direction, so PostgreSQL can walk an index on them).
 * `afterKey` is SQL so the caller casts it to the key's type.
 */
export function keysetAfter(
  key: SQL | AnyColumn,
  tieBreaker: AnyColumn,
  order: SortOrder,
  afterKey: SQL,
  afterTieBreaker: SQL,
): SQL {
  return order === 'desc'
    ? sql`(${key}, ${tieBreaker}) < (${afterKey}, ${afterTieBreaker})`
    : sql`(${key}, ${tieBreaker}) > (${afterKey}, ${afterTieBreaker})`;
}
