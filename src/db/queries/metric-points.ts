import { and, asc, gte, inArray, lt, sql } from 'drizzle-orm';
import { executeRows, type Db } from '../client.js';
import { metricPoints, type MetricPoint, type NewMetricPoint } from '../schema/index.js';
import { chunksFor } from './batch-upsert.js';
import type { MetricName } from '../../metrics.js';

/**
 * Units (see src/aws/cloudwatch-metrics.ts METRIC_SPECS): cpu and mem rows hold percentages
 * (avg, max, p95, p99 of the hour's samples); network_in/network_out rows hold the bytes moved
 * in the period in `avg` (CloudWatch Sum), with max/p95/p99 null.
 */

/** Rows per statement: one JSON parameter each, so the size is bounded by memory, not by bind parameters. */
const ROWS_PER_STATEMENT = 20_000;

/**
 * The rows of one statement as one JSON document of columns (json_to_record turns each JSON
 * array into a PostgreSQL array, unnest zips them back into rows). Columns rather than an
 * object per row: measured on a 58,000-point batch, 3 to 4 times faster to build and half the
 * size, and no Date is serialised (times travel as epoch milliseconds).
 */
function columnsJson(rows: readonly NewMetricPoint[]): string {
  return JSON.stringify({
    i: rows.map((r) => r.instanceId),
    m: rows.map((r) => r.metric),
    t: rows.map((r) => r.ts.getTime()),
    p: rows.map((r) => r.periodSeconds),
    a: rows.map((r) => r.avg ?? null),
    x: rows.map((r) => r.max ?? null),
    p95: rows.map((r) => r.p95 ?? null),
    p99: rows.map((r) => r.p99 ?? null),
  });
}

/**
 * Inserts or replaces points by (instance, metric, ts) in one transaction: a point fetched
 * again (a retried batch) overwrites itself instead of duplicating. Returns the rows written.
 * The rows travel as one JSON document per statement: about five times faster than a multi-row
 * VALUES insert with eight bind parameters a row, and it keeps the event loop free of building
 * the large parameter lists.
 */
export async function upsertMetricPoints(db: Db, p: { points: readonly NewMetricPoint[] }): Promise<number> {
  if (p.points.length === 0) return 0;
  await db.transaction(async (tx) => {
    for (let i = 0; i < p.points.length; i += ROWS_PER_STATEMENT) {
      const json = columnsJson(p.points.slice(i, i + ROWS_PER_STATEMENT));
      await tx.execute(sql`
        insert into metric_points (instance_id, metric, ts, period_seconds, avg, max, p95, p99)
        select r.instance_id, r.metric, to_timestamp(r.ms / 1000.0), r.period_seconds, r.avg, r.max, r.p95, r.p99
        from json_to_record(${json}::json) as c(i text[], m text[], t float8[], p integer[], a float8[], x float8[], p95 float8[], p99 float8[]),
          unnest(c.i, c.m, c.t, c.p, c.a, c.x, c.p95, c.p99) as r(instance_id, metric, ms, period_seconds, avg, max, p95, p99)
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
  const conditions = [
    sql`${metricPoints.instanceId} = ${p.instanceId}`,
    gte(metricPoints.ts, p.from),
    lt(metricPoints.ts, p.to),
  ];
  if (p.metrics) conditions.push(inArray(metricPoints.metric, [...p.metrics]));
  return db
    .select()
    .from(metricPoints)
    .where(and(...conditions))
    .orderBy(asc(metricPoints.metric), asc(metricPoints.ts));
}

/** What right-sizing reads of a point: the hour, the metric and its statistics. */
export type SeriesPoint = Pick<MetricPoint, 'instanceId' | 'metric' | 'ts' | 'periodSeconds' | 'avg' | 'max' | 'p99'>;

/** A row of metricSeriesOfInstances as postgres.js returns it (the time as epoch milliseconds). */
interface SeriesRow {
  instance_id: string;
  metric: MetricName;
  ms: number;
  period_seconds: number;
  avg: number | null;
  max: number | null;
  p99: number | null;
}

/**
 * The hourly points in [from, to) of several instances at once, by instance: one round trip for
 * many instances instead of one each. Instances without points are absent from the map.
 *
 * One primary-key range scan per instance, as a query per instance would do: the lateral
 * subquery runs once per id (`offset 0` keeps the planner from flattening it into a join).
 * With `instance_id in (...)`, or the join flattened, the planner took the ts index whenever
 * the table's statistics lagged behind a fresh collection, and read every instance's rows in
 * the range: 0.55 to 0.8 s instead of 0.08 s for 50 instances. No ORDER BY: sorting by the
 * text key took two thirds of the time, and the caller orders by time itself.
 */
export async function metricSeriesOfInstances(
  db: Db,
  p: { instanceIds: readonly string[]; from: Date; to: Date },
): Promise<Map<string, SeriesPoint[]>> {
  const out = new Map<string, SeriesPoint[]>();
  if (p.instanceIds.length === 0) return out;
  const ids = sql.join(
    p.instanceIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const rows = await executeRows<SeriesRow>(
    db,
    sql`
    select m.instance_id, m.metric, (extract(epoch from m.ts) * 1000)::float8 as ms, m.period_seconds, m.avg, m.max, m.p99
    from unnest(array[${ids}]::text[]) as u(id)
    cross join lateral (
      select instance_id, metric, ts, period_seconds, avg, max, p99 from metric_points
      where instance_id = u.id and ts >= ${p.from.toISOString()}::timestamptz and ts < ${p.to.toISOString()}::timestamptz
      offset 0
    ) m`,
  );
  for (const r of rows) {
    const point: SeriesPoint = {
      instanceId: r.instance_id,
      metric: r.metric,
      ts: new Date(r.ms),
      periodSeconds: r.period_seconds,
      avg: r.avg,
      max: r.max,
      p99: r.p99,
    };
    const series = out.get(r.instance_id);
    if (series) series.push(point);
    else out.set(r.instance_id, [point]);
  }
  return out;
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
