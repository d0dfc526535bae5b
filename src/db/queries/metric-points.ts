import { and, asc, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { metricPoints, type MetricName, type MetricPoint, type NewMetricPoint } from '../schema/index.js';
import { chunksFor } from './batch-upsert.js';

/**
 * Units (see src/aws/cloudwatch-metrics.ts METRIC_SPECS): cpu and mem rows hold percentages
 * (avg, max, p95, p99 of the hour's samples); network_in/network_out rows hold the bytes moved
 * in the period in `avg` (CloudWatch Sum), with max/p95/p99 null.
 */

/** Rows per statement: one JSON parameter each, so the size is bounded by memory, not by bind parameters. */
const ROWS_PER_STATEMENT = 20_000;

/**
 * Inserts or replaces points by (instance, metric, ts) in one transaction: a point fetched
 * again (a retried batch) overwrites itself instead of duplicating. Returns the rows written.
 * The rows travel as one JSON document per statement (json_populate_recordset): about five
 * times faster than a multi-row VALUES insert with eight bind parameters a row, and it keeps
 * the event loop free of building the large parameter lists.
 */
export async function upsertMetricPoints(db: Db, p: { points: readonly NewMetricPoint[] }): Promise<number> {
  if (p.points.length === 0) return 0;
  await db.transaction(async (tx) => {
    for (let i = 0; i < p.points.length; i += ROWS_PER_STATEMENT) {
      const json = JSON.stringify(
        p.points.slice(i, i + ROWS_PER_STATEMENT).map((r) => ({
          instance_id: r.instanceId,
          metric: r.metric,
          ts: r.ts,
          period_seconds: r.periodSeconds,
          avg: r.avg ?? null,
          max: r.max ?? null,
          p95: r.p95 ?? null,
          p99: r.p99 ?? null,
        })),
      );
      await tx.execute(sql`
        insert into metric_points (instance_id, metric, ts, period_seconds, avg, max, p95, p99)
        select instance_id, metric, ts, period_seconds, avg, max, p95, p99
        from json_populate_recordset(null::metric_points, ${json}::json)
        on conflict (instance_id, metric, ts) do update set
          period_seconds = excluded.period_seconds, avg = excluded.avg, max = excluded.max,
          p95 = excluded.p95, p99 = excluded.p99`);
    }
  });
  return p.points.length;
}

export interface LatestPoint {
  instanceId: string;
  metric: MetricName;
  ts: Date;
}

/** The newest stored timestamp per instance and metric: where the next incremental fetch starts. */
export async function latestMetricTimes(db: Db, p: { instanceIds: readonly string[] }): Promise<LatestPoint[]> {
  const out: LatestPoint[] = [];
  for (const chunk of chunksFor(p.instanceIds, 1)) {
    const rows = await db
      .select({
        instanceId: metricPoints.instanceId,
        metric: metricPoints.metric,
        ts: sql<Date>`max(${metricPoints.ts})`.mapWith(metricPoints.ts),
      })
      .from(metricPoints)
      .where(inArray(metricPoints.instanceId, chunk))
      .groupBy(metricPoints.instanceId, metricPoints.metric);
    out.push(...rows);
  }
  return out;
}

export interface SeriesParams {
  instanceId: string;
  /** @defaultValue every metric */
  metrics?: readonly MetricName[];
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** An instance's hourly points in [from, to), by metric then time. */
export async function metricSeries(db: Db, p: SeriesParams): Promise<MetricPoint[]> {
  const conditions = [sql`${metricPoints.instanceId} = ${p.instanceId}`, gte(metricPoints.ts, p.from), lt(metricPoints.ts, p.to)];
  if (p.metrics) conditions.push(inArray(metricPoints.metric, [...p.metrics]));
  return db
    .select()
    .from(metricPoints)
    .where(and(...conditions))
    .orderBy(asc(metricPoints.metric), asc(metricPoints.ts));
}

/** Points per instance and metric in [from, to): coverage for the lookback (e.g. 336 of 336 hours). */
export async function metricCoverage(
  db: Db,
  p: { instanceIds: readonly string[]; from: Date; to: Date },
): Promise<{ instanceId: string; metric: MetricName; points: number }[]> {
  const out: { instanceId: string; metric: MetricName; points: number }[] = [];
  for (const chunk of chunksFor(p.instanceIds, 1)) {
    const rows = await db
      .select({
        instanceId: metricPoints.instanceId,
        metric: metricPoints.metric,
        points: sql<number>`count(*)`.mapWith(Number),
      })
      .from(metricPoints)
      .where(and(inArray(metricPoints.instanceId, chunk), gte(metricPoints.ts, p.from), lt(metricPoints.ts, p.to)))
      .groupBy(metricPoints.instanceId, metricPoints.metric);
    out.push(...rows);
  }
  return out;
}

/** Oldest and newest stored point of any instance (nulls when none): the span CloudWatch data was collected over. */
export async function metricPointsSpan(db: Db): Promise<{ first: Date | null; last: Date | null }> {
  // Two index lookups on metric_points_ts_idx (min/max over an indexed column), not a scan.
  const [row] = await db
    .select({
      first: sql<Date | null>`min(${metricPoints.ts})`.mapWith(metricPoints.ts),
      last: sql<Date | null>`max(${metricPoints.ts})`.mapWith(metricPoints.ts),
    })
    .from(metricPoints);
  return row ?? { first: null, last: null };
}
