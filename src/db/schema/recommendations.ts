import { sql } from 'drizzle-orm';
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export type Finding = 'over-provisioned' | 'under-provisioned' | 'optimized' | 'idle' | 'insufficient-data';
export type Risk = 'low' | 'medium' | 'high';
/** retired: its instance stopped, terminated, changed type outside costbot or its metrics went stale. */
export type RecommendationStatus = 'active' | 'superseded' | 'applied' | 'retired';
/**
 * What `monthlySavingsUsd` is: at on-demand rates; after the RI/Savings Plan discount the CUR shows
 * for the instance; or left out for a spot instance (billed at the spot price, not on-demand).
 */
export type SavingsBasis = 'on-demand' | 'after-discounts' | 'spot-excluded';

/** Right-sizing results; a new run supersedes the instance's active row (one active per instance). */
export const recommendations = pgTable(
  'recommendations',
  {
    id: serial('id').primaryKey(),
    instanceId: text('instance_id').notNull(),
    accountId: text('account_id').notNull(),
    region: text('region').notNull(),
    status: text('status').$type<RecommendationStatus>().notNull(),
    finding: text('finding').$type<Finding>().notNull(),
    currentType: text('current_type').notNull(),
    recommendedType: text('recommended_type').notNull(),
    /** null when the price is unknown: never estimated. */
    currentMonthlyUsd: doublePrecision('current_monthly_usd'),
    recommendedMonthlyUsd: doublePrecision('recommended_monthly_usd'),
    /** The saving totals add up: after discounts when the instance is covered (see savingsBasis). */
    monthlySavingsUsd: doublePrecision('monthly_savings_usd'),
    /** The saving at on-demand rates, before any RI/Savings Plan discount. */
    onDemandMonthlySavingsUsd: doublePrecision('on_demand_monthly_savings_usd'),
    savingsBasis: text('savings_basis').$type<SavingsBasis>().notNull().default('on-demand'),
    /** The platform (OS and licence) both types were priced for, e.g. "Windows". */
    platform: text('platform').notNull().default('Linux'),
    /** Why a retired recommendation no longer applies, in a sentence. */
    retiredReason: text('retired_reason'),
    savingsPercent: doublePrecision('savings_percent'),
    risk: text('risk').$type<Risk>().notNull(),
    confidence: doublePrecision('confidence').notNull(),
    reasoning: text('reasoning').notNull(),
    lookbackDays: integer('lookback_days').notNull(),
    /** Alternatives (e.g. Graviton), utilization percentiles and coverage behind the figures. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('recommendations_one_active_key')
      .on(t.instanceId)
      .where(sql`${t.status} = 'active'`),
    index('recommendations_savings_idx').on(t.status, t.monthlySavingsUsd),
    index('recommendations_account_region_idx').on(t.accountId, t.region),
  ],
);

export type Recommendation = typeof recommendations.$inferSelect;
export type NewRecommendation = typeof recommendations.$inferInsert;
