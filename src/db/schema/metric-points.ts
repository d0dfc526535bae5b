import { doublePrecision, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { MetricName } from '../../metrics.js';

/** Hourly CloudWatch statistics per instance and metric, at CloudWatch's own timestamps. */
export const metricPoints = pgTable(
  'metric_points',
  {
    instanceId: text('instance_id').notNull(),
    metric: text('metric').$type<MetricName>().notNull(),
    ts: timestamp('ts', { withTimezone: true }).notNull(),
    periodSeconds: integer('period_seconds').notNull(),
    avg: doublePrecision('avg'),
    max: doublePrecision('max'),
    p95: doublePrecision('p95'),
    p99: doublePrecision('p99'),
  },
  (t) => [primaryKey({ columns: [t.instanceId, t.metric, t.ts] }), index('metric_points_ts_idx').on(t.ts)],
);

export type MetricPoint = typeof metricPoints.$inferSelect;
export type NewMetricPoint = typeof metricPoints.$inferInsert;
