import { doublePrecision, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** On-demand Linux shared-tenancy hourly price per type and region; a missing row means unknown. */
export const prices = pgTable(
  'prices',
  {
    instanceType: text('instance_type').notNull(),
    region: text('region').notNull(),
    usdPerHour: doublePrecision('usd_per_hour').notNull(),
    source: text('source').notNull(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.instanceType, t.region] }), index('prices_region_idx').on(t.region)],
);

export type PriceRow = typeof prices.$inferSelect;
export type NewPriceRow = typeof prices.$inferInsert;
