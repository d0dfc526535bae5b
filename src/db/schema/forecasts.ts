import { date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { mlModels } from './ml-models.js';

/** A forecast run per scope and horizon, with per-day and per-month points, trend and drivers. */
export const forecasts = pgTable(
  'forecasts',
  {
    id: serial('id').primaryKey(),
    scope: text('scope').notNull(),
    runDay: date('run_day').notNull(),
    horizonMonths: integer('horizon_months').notNull(),
    modelId: integer('model_id').references(() => mlModels.id),
    historyFrom: date('history_from').notNull(),
    historyTo: date('history_to').notNull(),
    confidence: text('confidence').$type<'normal' | 'low'>().notNull(),
    daily: jsonb('daily').$type<unknown[]>().notNull(),
    monthly: jsonb('monthly').$type<unknown[]>().notNull(),
    trend: jsonb('trend').$type<Record<string, unknown>>().notNull(),
    drivers: jsonb('drivers').$type<unknown[]>().notNull().default([]),
    warnings: jsonb('warnings').$type<string[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('forecasts_scope_run_horizon_key').on(t.scope, t.runDay, t.horizonMonths),
    index('forecasts_run_day_idx').on(t.runDay),
  ],
);

export type Forecast = typeof forecasts.$inferSelect;
export type NewForecast = typeof forecasts.$inferInsert;
