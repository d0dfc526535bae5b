import { and, asc, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { metricPoints, type MetricName, type MetricPoint, type NewMetricPoint } from '../schema/index.js';
import { chunksFor, excluded } from './batch-upsert.js';

/**
 * Units (see src/aws/cloudwatch-metrics.ts METRIC_SPECS): cpu and mem rows hold percentages
 * (avg, max, p95, p99 of the hour's samples); network_in/network_out rows hold the bytes moved
 * in the period in `avg` (CloudWatch Sum), with max/p95/p99 null.
 */

/**
 * Inserts or replaces points by (instance, metric, ts) in one transaction: a point fetched
 * again (a retried batch) overwrites itself instead of duplicating. Returns the rows written.
 */
export async function upsertMetricPoints(db: Db, p: { points: readonly NewMetricPoint[] }): Promise<number> {
  if (p.points.length === 0) return 0;
  await db.transaction(async (tx) => {
    for (const chunk of chunksFor(p.points, 8)) {
      await tx
        .insert(metricPoints)
        .values([...chunk])
        .onConflictDoUpdate({
          target: [metricPoints.instanceId, metricPoints.metric, metricPoints.ts],
          set: {
            periodSeconds: excluded(metricPoints.periodSeconds),
            avg: excluded(metricPoints.avg),
            max: excluded(metricPoints.max),
            p95: excluded(metricPoints.p95),
            p99: excluded(metricPoints.p99),
          },
        });
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
