import { doublePrecision, index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * On-demand hourly price per type, region, platform (OS and licence, src/catalog/platform.ts) and
 * tenancy; a missing row means unknown, and another platform's price never stands in for it.
 * Rows stored before the platform was kept (migration 0005) are Linux, shared tenancy.
 */
export const prices = pgTable(
  'prices',
  {
    instanceType: text('instance_type').notNull(),
    region: text('region').notNull(),
    platform: text('platform').notNull().default('Linux'),
    tenancy: text('tenancy').$type<'shared' | 'dedicated'>().notNull().default('shared'),
    usdPerHour: doublePrecision('usd_per_hour').notNull(),
    source: text('source').notNull(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'prices_pk', columns: [t.instanceType, t.region, t.platform, t.tenancy] }),
    index('prices_region_idx').on(t.region),
  ],
);

export type PriceRow = typeof prices.$inferSelect;
export type NewPriceRow = typeof prices.$inferInsert;
