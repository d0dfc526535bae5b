import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts } from '../schema/index.js';
import { chunksFor, excluded } from './batch-upsert.js';

export interface AccountNamesParams {
  names: readonly { accountId: string; name: string }[];
  /** Where the names come from: 'cur2' or 'focus'. */
  source: string;
  updatedAt: Date;
}

/**
 * Stores account names in one transaction; a name is replaced only by one read at the same time
 * or later, so re-reading an old export never overwrites a newer name. Returns the accounts stored.
 */
export async function upsertAccountNames(db: Db, p: AccountNamesParams): Promise<number> {
  if (p.names.length === 0) return 0;
  // One row per account (the last one given): an upsert cannot touch the same row twice.
  const unique = [...new Map(p.names.map((n) => [n.accountId, n])).values()];
  await db.transaction(async (tx) => {
    for (const chunk of chunksFor(unique, 4)) {
      await tx
        .insert(accounts)
        .values(chunk.map((n) => ({ accountId: n.accountId, name: n.name, source: p.source, updatedAt: p.updatedAt })))
        .onConflictDoUpdate({
          target: accounts.accountId,
          set: {
            name: excluded(accounts.name),
            source: excluded(accounts.source),
            updatedAt: excluded(accounts.updatedAt),
          },
          setWhere: sql`${excluded(accounts.updatedAt)} >= ${accounts.updatedAt}`,
        });
    }
  });
  return unique.length;
}

/** The stored names of these accounts; an account without a known name is absent from the map. */
export async function accountNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ accountId: accounts.accountId, name: accounts.name })
    .from(accounts)
    .where(inArray(accounts.accountId, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.accountId, r.name]));
}
