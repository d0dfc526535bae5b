import { sql } from 'drizzle-orm';
import { date, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
    uniqueIndex('ml_models_one_active_key')
      .on(t.kind, t.scope)
      .where(sql`${t.status} = 'active'`),
  ],
);

export type MlModel = typeof mlModels.$inferSelect;
export type NewMlModel = typeof mlModels.$inferInsert;
