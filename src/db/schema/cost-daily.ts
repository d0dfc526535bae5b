import { date, doublePrecision, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { ChargeKind } from '../../cost/charge-kind.js';
import type { PricingTerm } from '../../cost/pricing-term.js';

/**
 * Cost line items summed per day, account, service, region, usage type and charge type. A
 * restated day replaces the old rows. Every basis but unblended is null when the report lacks its
 * columns; never copied from another basis (src/aws/cur-columns.ts).
 *
 * Rows stored before the charge type was kept (migration 0003) have charge type '' and kind
 * 'unknown', and no net amortized cost; re-collecting their days replaces them with classified rows.
 */
export const costDaily = pgTable(
  'cost_daily',
  {
    day: date('day').notNull(),
    accountId: text('account_id').notNull(),
    service: text('service').notNull(),
    region: text('region').notNull(),
    usageType: text('usage_type').notNull(),
    /** The source's own charge type: CUR line_item_line_item_type, FOCUS "ChargeCategory/ChargeFrequency". */
    chargeType: text('charge_type').notNull().default(''),
    /** src/cost/charge-kind.ts; part of the key because a CUR Fee is recurring or, with a reservation ARN, upfront. */
    chargeKind: text('charge_kind').$type<ChargeKind>().notNull().default('unknown'),
    unblendedUsd: doublePrecision('unblended_usd').notNull(),
    netUnblendedUsd: doublePrecision('net_unblended_usd'),
    amortizedUsd: doublePrecision('amortized_usd'),
    netAmortizedUsd: doublePrecision('net_amortized_usd'),
    usageAmount: doublePrecision('usage_amount'),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({
      name: 'cost_daily_pk',
      columns: [t.day, t.accountId, t.service, t.region, t.usageType, t.chargeType, t.chargeKind],
    }),
    index('cost_daily_service_day_idx').on(t.service, t.day),
    index('cost_daily_account_day_idx').on(t.accountId, t.day),
  ],
);

/**
 * Per-resource cost per day, usage type and pricing term (EC2 instances and other resources with a
 * line_item_resource_id); the usage type lets a usage-type scope's root cause name its resources,
 * the pricing term and effective cost tell right-sizing whether an instance's hours are reserved
 * or covered by a Savings Plan.
 * Rows loaded before the usage type was kept (migration 0002) have usage type '', as a line without
 * one would; score-anomalies ranks no resources for a usage-type scope over days that hold such rows.
 * Rows loaded before the pricing term was kept (migration 0003) have pricing term '' and no
 * amortized cost or usage.
 */
export const costResourceDaily = pgTable(
  'cost_resource_daily',
  {
    day: date('day').notNull(),
    accountId: text('account_id').notNull(),
    resourceId: text('resource_id').notNull(),
    service: text('service').notNull(),
    region: text('region').notNull(),
    usageType: text('usage_type').notNull().default(''),
    /** src/cost/pricing-term.ts; '' on rows stored before it was kept. */
    pricingTerm: text('pricing_term').$type<PricingTerm | ''>().notNull().default(''),
    unblendedUsd: doublePrecision('unblended_usd').notNull(),
    amortizedUsd: doublePrecision('amortized_usd'),
    netAmortizedUsd: doublePrecision('net_amortized_usd'),
    usageAmount: doublePrecision('usage_amount'),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({
      name: 'cost_resource_daily_pk',
      columns: [t.day, t.accountId, t.resourceId, t.service, t.region, t.usageType, t.pricingTerm],
    }),
    index('cost_resource_daily_resource_idx').on(t.resourceId, t.day),
  ],
);

export type CostDailyRow = typeof costDaily.$inferSelect;
export type NewCostDailyRow = typeof costDaily.$inferInsert;
export type CostResourceDailyRow = typeof costResourceDaily.$inferSelect;
export type NewCostResourceDailyRow = typeof costResourceDaily.$inferInsert;
