import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';
import {
  costDaily,
  costResourceDaily,
  type CostDailyRow,
  type CostResourceDailyRow,
  type NewCostDailyRow,
  type NewCostResourceDailyRow,
} from '../schema/index.js';
import { chunksFor } from './batch-upsert.js';

/**
 * CUR days are replaced, not merged: within one transaction the rows of [fromDay, toDay) are
 * deleted and the query's rows for that range inserted. AWS restates CUR days until the month
 * closes (late usage, refunds, credits, re-attributed usage types), and a restatement can make
 * a (day, account, service, region, usage type, charge type) key disappear; an upsert would keep
 * that stale row forever. The range is exactly the one the Athena query covered and all its pages were
 * read before this runs, so readers see either the old figures or the new ones, never a mix.
 */

export interface ReplaceDaysParams<Row> {
  /** First day replaced, YYYY-MM-DD. */
  fromDay: string;
  /** Day after the last replaced, YYYY-MM-DD (exclusive). */
  toDay: string;
  rows: readonly Row[];
  loadedAt: Date;
}

function checkRange(p: ReplaceDaysParams<{ day: string }>, table: string): void {
  const outside = p.rows.find((r) => r.day < p.fromDay || r.day >= p.toDay);
  if (outside)
    throw new Error(`${table}: row for ${outside.day} is outside the replaced range [${p.fromDay}, ${p.toDay})`);
}

/**
 * Replaces cost_daily for [fromDay, toDay) with `rows`; returns the rows deleted and inserted.
 * A row without a charge type is stored as not known ('' and kind 'unknown'), as rows loaded
 * before it was kept are.
 */
export async function replaceCostDays(
  db: Db,
  p: ReplaceDaysParams<Omit<NewCostDailyRow, 'loadedAt'>>,
): Promise<{ deleted: number; inserted: number }> {
  checkRange(p, 'cost_daily');
  return db.transaction(async (tx) => {
    const deleted = await tx
      .delete(costDaily)
      .where(and(gte(costDaily.day, p.fromDay), lt(costDaily.day, p.toDay)))
      .returning({ day: costDaily.day });
    for (const chunk of chunksFor(p.rows, 14)) {
      await tx.insert(costDaily).values(chunk.map((r) => ({ ...r, loadedAt: p.loadedAt })));
    }
    return { deleted: deleted.length, inserted: p.rows.length };
  });
}

/** Replaces cost_resource_daily for [fromDay, toDay) with `rows`. */
export async function replaceResourceCostDays(
  db: Db,
  p: ReplaceDaysParams<Omit<NewCostResourceDailyRow, 'loadedAt'>>,
): Promise<{ deleted: number; inserted: number }> {
  checkRange(p, 'cost_resource_daily');
  return db.transaction(async (tx) => {
    const deleted = await tx
      .delete(costResourceDaily)
      .where(and(gte(costResourceDaily.day, p.fromDay), lt(costResourceDaily.day, p.toDay)))
      .returning({ day: costResourceDaily.day });
    for (const chunk of chunksFor(p.rows, 12)) {
      await tx.insert(costResourceDaily).values(chunk.map((r) => ({ ...r, loadedAt: p.loadedAt })));
    }
    return { deleted: deleted.length, inserted: p.rows.length };
  });
}

/** First and last stored day and the row count; nulls when cost_daily is empty. */
export async function costDailyExtent(
  db: Db,
): Promise<{ firstDay: string | null; lastDay: string | null; rows: number }> {
  const [row] = await db
    .select({
      firstDay: sql<string | null>`min(${costDaily.day})::text`,
      lastDay: sql<string | null>`max(${costDaily.day})::text`,
      rows: sql<number>`count(*)`.mapWith(Number),
    })
    .from(costDaily);
  return row ?? { firstDay: null, lastDay: null, rows: 0 };
}

export interface CostWindowParams {
  /** Inclusive, YYYY-MM-DD. */
  fromDay: string;
  /** Exclusive, YYYY-MM-DD. */
  toDay: string;
  accountId?: string;
  service?: string;
}

/** Stored daily rows in [fromDay, toDay), optionally for one account or service, by day. */
export async function listCostDaily(db: Db, p: CostWindowParams): Promise<CostDailyRow[]> {
  const conditions = [gte(costDaily.day, p.fromDay), lt(costDaily.day, p.toDay)];
  if (p.accountId !== undefined) conditions.push(eq(costDaily.accountId, p.accountId));
  if (p.service !== undefined) conditions.push(eq(costDaily.service, p.service));
  return db
    .select()
    .from(costDaily)
    .where(and(...conditions))
    .orderBy(
      asc(costDaily.day),
      asc(costDaily.accountId),
      asc(costDaily.service),
      asc(costDaily.region),
      asc(costDaily.usageType),
      asc(costDaily.chargeType),
      asc(costDaily.chargeKind),
    );
}

export interface CostTotal {
  /** YYYY-MM-DD for daily totals, YYYY-MM for monthly ones. */
  period: string;
  unblendedUsd: number;
  /** null unless every row of the period has the figure (a partial sum would understate it). */
  netUnblendedUsd: number | null;
  amortizedUsd: number | null;
  netAmortizedUsd: number | null;
}

/** sum(column) when every row has it, else NULL: a basis is summed only where it is complete. */
function completeSum(column: AnyPgColumn): SQL<number | null> {
  return sql<number | null>`case when count(${column}) = count(*) then sum(${column}) end`.mapWith((v: unknown) =>
    v === null ? null : Number(v),
  );
}

/** Totals per day or per calendar month in [fromDay, toDay), every basis, oldest first. */
export async function costTotals(db: Db, p: CostWindowParams & { by: 'day' | 'month' }): Promise<CostTotal[]> {
  const period =
    p.by === 'day' ? sql<string>`${costDaily.day}::text` : sql<string>`to_char(${costDaily.day}, 'YYYY-MM')`;
  const conditions = [gte(costDaily.day, p.fromDay), lt(costDaily.day, p.toDay)];
  if (p.accountId !== undefined) conditions.push(eq(costDaily.accountId, p.accountId));
  if (p.service !== undefined) conditions.push(eq(costDaily.service, p.service));
  return db
    .select({
      period,
      unblendedUsd: sql<number>`sum(${costDaily.unblendedUsd})`.mapWith(Number),
      netUnblendedUsd: completeSum(costDaily.netUnblendedUsd),
      amortizedUsd: completeSum(costDaily.amortizedUsd),
      netAmortizedUsd: completeSum(costDaily.netAmortizedUsd),
    })
    .from(costDaily)
    .where(and(...conditions))
    .groupBy(period)
    .orderBy(period);
}

/** Per-resource daily cost rows in [fromDay, toDay), by day. */
export async function listResourceCostDaily(
  db: Db,
  p: { fromDay: string; toDay: string },
): Promise<CostResourceDailyRow[]> {
  return db
    .select()
    .from(costResourceDaily)
    .where(and(gte(costResourceDaily.day, p.fromDay), lt(costResourceDaily.day, p.toDay)))
    .orderBy(asc(costResourceDaily.day));
}

/** An instance's hours in the CUR over a window, and those reserved or covered by a Savings Plan. */
export interface InstanceBillingRow {
  resourceId: string;
  hours: number;
  coveredHours: number;
  /** Effective (amortized) cost of the covered hours. */
  coveredEffectiveUsd: number;
}

/**
 * Per instance, its instance hours (BoxUsage, DedicatedUsage, SpotUsage: the usage amount is hours)
 * in [fromDay, toDay) and the reserved and Savings Plan share of them with their effective cost.
 * Instances without rows are absent: the bill says nothing of them.
 */
export async function instanceBilling(
  db: Db,
  p: { resourceIds: readonly string[]; fromDay: string; toDay: string },
): Promise<Map<string, InstanceBillingRow>> {
  if (p.resourceIds.length === 0) return new Map();
  const covered = sql`${costResourceDaily.pricingTerm} in ('reserved', 'savings-plan')`;
  const rows = await db
    .select({
      resourceId: costResourceDaily.resourceId,
      hours: sql<number>`coalesce(sum(${costResourceDaily.usageAmount}), 0)`.mapWith(Number),
      coveredHours: sql<number>`coalesce(sum(${costResourceDaily.usageAmount}) filter (where ${covered}), 0)`.mapWith(
        Number,
      ),
      coveredEffectiveUsd:
        sql<number>`coalesce(sum(${costResourceDaily.amortizedUsd}) filter (where ${covered}), 0)`.mapWith(Number),
    })
    .from(costResourceDaily)
    .where(
      and(
        inArray(costResourceDaily.resourceId, [...p.resourceIds]),
        gte(costResourceDaily.day, p.fromDay),
        lt(costResourceDaily.day, p.toDay),
        sql`(${costResourceDaily.usageType} like '%BoxUsage%' or ${costResourceDaily.usageType} like '%DedicatedUsage%' or ${costResourceDaily.usageType} like '%SpotUsage%')`,
      ),
    )
    .groupBy(costResourceDaily.resourceId);
  return new Map(rows.map((r) => [r.resourceId, r]));
}
