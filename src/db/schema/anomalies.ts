import {
  date,
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
import { mlModels } from './ml-models.js';
import type { Severity } from '../../ml/anomaly/severity.js';

export type AnomalyFeedback = 'valid' | 'expected' | 'not-anomaly';

/** One row per anomaly of a scope: consecutive anomalous days extend it (endDay, durationDays). */
export const anomalies = pgTable(
  'anomalies',
  {
    id: serial('id').primaryKey(),
    scope: text('scope').notNull(),
    accountId: text('account_id'),
    service: text('service'),
    region: text('region'),
    startDay: date('start_day').notNull(),
    endDay: date('end_day').notNull(),
    durationDays: integer('duration_days').notNull(),
    status: text('status').$type<'open' | 'closed'>().notNull(),
    score: doublePrecision('score').notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    actualUsd: doublePrecision('actual_usd').notNull(),
    expectedUsd: doublePrecision('expected_usd').notNull(),
    impactUsd: doublePrecision('impact_usd').notNull(),
    /** null when expected is 0 (a new cost has no percent). */
    impactPercent: doublePrecision('impact_percent'),
    rootCause: jsonb('root_cause').$type<unknown[]>().notNull().default([]),
    modelId: integer('model_id').references(() => mlModels.id),
    feedback: text('feedback').$type<AnomalyFeedback>(),
    feedbackBy: text('feedback_by'),
    feedbackAt: timestamp('feedback_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('anomalies_scope_start_key').on(t.scope, t.startDay),
    // (key, id): the JSON API pages by keyset on these sorts.
    index('anomalies_start_day_idx').on(t.startDay, t.id),
    index('anomalies_severity_idx').on(t.severity, t.startDay),
    index('anomalies_impact_idx').on(t.impactUsd, t.id),
    index('anomalies_score_idx').on(t.score, t.id),
    index('anomalies_service_idx').on(t.service, t.startDay),
  ],
);

export type Anomaly = typeof anomalies.$inferSelect;
export type NewAnomaly = typeof anomalies.$inferInsert;
