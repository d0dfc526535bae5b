import { sql } from 'drizzle-orm';
import { date, doublePrecision, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Severity } from '../../ml/anomaly/severity.js';

export type ModelKind = 'isolation-forest' | 'forecast';
export type ModelStatus = 'active' | 'superseded' | 'failed';

/** Every trained model version: what it saw, how it was built, how it scored on its backtest. */
export const mlModels = pgTable(
  'ml_models',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').$type<ModelKind>().notNull(),
    /** e.g. "total", "service:AmazonEC2", "account:123456789012". */
    scope: text('scope').notNull(),
    version: integer('version').notNull(),
    status: text('status').$type<ModelStatus>().notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    seed: integer('seed'),
    trainedFrom: date('trained_from'),
    trainedTo: date('trained_to'),
    rows: integer('rows').notNull(),
    features: jsonb('features').$type<string[]>().notNull().default([]),
    scoreDistribution: jsonb('score_distribution').$type<Record<string, number>>(),
    metrics: jsonb('metrics').$type<Record<string, unknown>>(),
    /** The serialised model, or null when it lives in MODEL_DIR (then artifactPath is set). */
    artifact: jsonb('artifact'),
    artifactPath: text('artifact_path'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ml_models_kind_scope_version_key').on(t.kind, t.scope, t.version),
    uniqueIndex('ml_models_one_active_key').on(t.kind, t.scope).where(sql`${t.status} = 'active'`),
  ],
);

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

export type MlModel = typeof mlModels.$inferSelect;
export type NewMlModel = typeof mlModels.$inferInsert;
export type Anomaly = typeof anomalies.$inferSelect;
export type NewAnomaly = typeof anomalies.$inferInsert;
export type Forecast = typeof forecasts.$inferSelect;
export type NewForecast = typeof forecasts.$inferInsert;
