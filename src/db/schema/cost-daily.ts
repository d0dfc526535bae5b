import { date, doublePrecision, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** CUR line items summed per day, account, service, region and usage type. A restated day replaces the old rows. */
export const costDaily = pgTable(
  'cost_daily',
  {
    day: date('day').notNull(),
    accountId: text('account_id').notNull(),
    service: text('service').notNull(),
    region: text('region').notNull(),
    usageType: text('usage_type').notNull(),
    unblendedUsd: doublePrecision('unblended_usd').notNull(),
    /** null when the report has no net/amortized columns; never copied from unblended. */
    netUnblendedUsd: doublePrecision('net_unblended_usd'),
    amortizedUsd: doublePrecision('amortized_usd'),
    usageAmount: doublePrecision('usage_amount'),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.accountId, t.service, t.region, t.usageType] }),
    index('cost_daily_service_day_idx').on(t.service, t.day),
    index('cost_daily_account_day_idx').on(t.accountId, t.day),
  ],
);

/**
 * Per-resource cost per day and usage type (EC2 instances and other resources with a
 * line_item_resource_id); the usage type lets a usage-type scope's root cause name its resources.
 * Rows loaded before it was kept (migration 0002) have usage type '', as a line without one would;
 * score-anomalies ranks no resources for a usage-type scope over days that hold such rows.
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
    unblendedUsd: doublePrecision('unblended_usd').notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({
      name: 'cost_resource_daily_pk',
      columns: [t.day, t.accountId, t.resourceId, t.service, t.region, t.usageType],
    }),
    index('cost_resource_daily_resource_idx').on(t.resourceId, t.day),
  ],
);

export type CostDailyRow = typeof costDaily.$inferSelect;
export type NewCostDailyRow = typeof costDaily.$inferInsert;
export type CostResourceDailyRow = typeof costResourceDaily.$inferSelect;
export type NewCostResourceDailyRow = typeof costResourceDaily.$inferInsert;
