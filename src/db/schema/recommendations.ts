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
export type RecommendationStatus = 'active' | 'superseded' | 'applied';

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
    monthlySavingsUsd: doublePrecision('monthly_savings_usd'),
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
