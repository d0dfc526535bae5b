import {
  GetMetricDataCommand,
  ListMetricsCommand,
  type CloudWatchClient,
  type Dimension,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { awsCall } from './aws-errors.js';
import type { AwsUsageMeter } from '../cost/aws-usage.js';
import type { MetricName } from '../metrics.js';

/** One hour: the period every stored point covers. */
export const PERIOD_SECONDS = 3600;

/** GetMetricData accepts at most 500 queries per call. */
export const MAX_QUERIES_PER_CALL = 500;

type PointField = 'avg' | 'max' | 'p95' | 'p99';

interface MetricSpec {
  namespace: string;
  metricName: string;
  stats: { stat: string; field: PointField }[];
}

/**
 * What is asked of CloudWatch per stored metric. CPU and memory are percentages: average,
 * maximum and the 95th/99th percentiles of the samples in the hour. Network is stored in bytes
 * per period (the row's period_seconds), the unit of the rightsize CSV's network_*_bytes: the
 * hour's Sum goes in `avg` (the bytes moved in that hour); max/p95/p99 stay null because
 * per-sample peaks are in bytes per sample interval (60 or 300 s), a different unit.
 */
export const METRIC_SPECS: Record<MetricName, MetricSpec> = {
  cpu: {
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    stats: [
      { stat: 'Average', field: 'avg' },
      { stat: 'Maximum', field: 'max' },
      { stat: 'p95', field: 'p95' },
      { stat: 'p99', field: 'p99' },
    ],
  },
  network_in: { namespace: 'AWS/EC2', metricName: 'NetworkIn', stats: [{ stat: 'Sum', field: 'avg' }] },
  network_out: { namespace: 'AWS/EC2', metricName: 'NetworkOut', stats: [{ stat: 'Sum', field: 'avg' }] },
  mem: {
    namespace: 'CWAgent',
    metricName: 'mem_used_percent',
    stats: [
      { stat: 'Average', field: 'avg' },
      { stat: 'Maximum', field: 'max' },
      { stat: 'p95', field: 'p95' },
      { stat: 'p99', field: 'p99' },
    ],
  },
};

/** One metric of one instance to fetch from `start` on. */
export interface MetricRequest {
  instanceId: string;
  metric: MetricName;
  /** First hour to fetch (hour-aligned, inclusive). */
  start: Date;
  /** The metric's exact dimensions: [{InstanceId}] for AWS/EC2, what ListMetrics gave for CWAgent. */
  dimensions: Dimension[];
}

/** An hourly point in the shape of `metric_points`, at CloudWatch's own timestamp. */
export interface HourlyPoint {
  instanceId: string;
  metric: MetricName;
  ts: Date;
  periodSeconds: number;
  avg: number | null;
  max: number | null;
  p95: number | null;
  p99: number | null;
}

/** Figures of one fetch, for job_runs and the bench. */
export interface FetchStats {
  /** GetMetricData HTTP calls that succeeded (pages included). */
  calls: number;
  /** Metric queries sent: what CloudWatch bills ($0.01 per 1,000), counted once per batch. */
  metricsRequested: number;
  /** Values received. */
  datapoints: number;
  batches: number;
}

export interface FetchHourlyOptions {
  /** End of the last complete hour to fetch (exclusive, hour-aligned). */
  end: Date;
  /** Receives each batch's points once all its pages arrived; store them here (one commit per batch). */
  onBatch: (points: HourlyPoint[]) => Promise<void>;
  /**
   * Batches in flight at once (fetching or being stored); each holds up to 500 x 336 datapoints
   * until stored. 2 rather than 4: parsing and storing, not CloudWatch's latency, set the pace,
   * and with bench/pipeline.ts (2,000 instances, one worker, a noisy 2-core machine) 4 lanes
   * took 31 to 37 s against 33 to 49 s for 2, with a higher peak (~600 vs ~540 MiB without a
   * heap cap). @defaultValue 2
   */
  concurrency?: number;
  /** Queries per GetMetricData call. @defaultValue MAX_QUERIES_PER_CALL (500, AWS's limit) */
  maxQueriesPerCall?: number;
  /** Counts the paid calls as they succeed (a failed run still paid for those). */
  usage?: AwsUsageMeter;
}

interface QueryRef {
  request: MetricRequest;
  field: PointField;
}

interface Batch {
  start: Date;
  queries: MetricDataQuery[];
  refs: QueryRef[];
}

/**
 * Packs requests into GetMetricData calls: one call shares one time range, so requests are
 * grouped by start hour, and the queries of one request never straddle two calls.
 */
export function planBatches(requests: readonly MetricRequest[], maxQueries = MAX_QUERIES_PER_CALL): Batch[] {
  const byStart = new Map<number, MetricRequest[]>();
  for (const r of requests) {
    const group = byStart.get(r.start.getTime());
    if (group) group.push(r);
    else byStart.set(r.start.getTime(), [r]);
  }
  const batches: Batch[] = [];
  for (const [start, group] of [...byStart.entries()].sort((a, b) => a[0] - b[0])) {
    let batch: Batch | null = null;
    for (const request of group) {
      const spec = METRIC_SPECS[request.metric];
      if (!batch || batch.queries.length + spec.stats.length > maxQueries) {
        batch = { start: new Date(start), queries: [], refs: [] };
        batches.push(batch);
      }
      for (const { stat, field } of spec.stats) {
        batch.queries.push({
          Id: `q${batch.queries.length}`,
          MetricStat: {
            Metric: { Namespace: spec.namespace, MetricName: spec.metricName, Dimensions: request.dimensions },
            Period: PERIOD_SECONDS,
            Stat: stat,
          },
          ReturnData: true,
        });
        batch.refs.push({ request, field });
      }
    }
  }
  return batches;
}

/** All pages of one GetMetricData call; results of one query id may continue on later pages. */
async function runBatch(
  client: CloudWatchClient,
  batch: Batch,
  end: Date,
  stats: FetchStats,
  usage: AwsUsageMeter | undefined,
): Promise<MetricDataResult[]> {
  const results: MetricDataResult[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsCall('cloudwatch:GetMetricData', () =>
      client.send(
        new GetMetricDataCommand({
          MetricDataQueries: batch.queries,
          StartTime: batch.start,
          EndTime: end,
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
        }),
      ),
    );
    stats.calls++;
    // Billed per metric requested; a page continuing the same queries (NextToken, only when a
    // batch holds more than 100,800 datapoints: backfills) is counted as a call, not billed again.
    usage?.getMetricData(nextToken === undefined ? batch.queries.length : 0);
    results.push(...(page.MetricDataResults ?? []));
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return results;
}

function toPoints(batch: Batch, results: MetricDataResult[], end: Date, stats: FetchStats): HourlyPoint[] {
  // The stats of one request (Average, p99, ...) share a point per hour: keyed by the request
  // object and the hour, which allocates no key string per datapoint.
  const byRequest = new Map<MetricRequest, Map<number, HourlyPoint>>();
  const out: HourlyPoint[] = [];
  for (const result of results) {
    const ref = batch.refs[Number(result.Id?.slice(1))];
    if (!ref) continue;
    const { request, field } = ref;
    let hours = byRequest.get(request);
    if (!hours) {
      hours = new Map();
      byRequest.set(request, hours);
    }
    const times = result.Timestamps ?? [];
    const values = result.Values ?? [];
    stats.datapoints += values.length;
    for (let i = 0; i < times.length; i++) {
      const ts = times[i]!;
      // CloudWatch may return the hour that is still filling; it is fetched again next run.
      if (ts.getTime() >= end.getTime() || ts.getTime() < batch.start.getTime()) continue;
      let point = hours.get(ts.getTime());
      if (!point) {
        point = {
          instanceId: request.instanceId,
          metric: request.metric,
          ts,
          periodSeconds: PERIOD_SECONDS,
          avg: null,
          max: null,
          p95: null,
          p99: null,
        };
        hours.set(ts.getTime(), point);
        out.push(point);
      }
      point[field] = values[i] ?? null;
    }
  }
  return out;
}

/** One batch fetched and turned into points; the raw results are garbage once this returns. */
async function fetchBatchPoints(
  client: CloudWatchClient,
  batch: Batch,
  end: Date,
  stats: FetchStats,
  usage: AwsUsageMeter | undefined,
): Promise<HourlyPoint[]> {
  return toPoints(batch, await runBatch(client, batch, end, stats, usage), end, stats);
}

/**
 * Fetches hourly statistics for `requests` with GetMetricData (up to 500 queries per call,
 * every page of each call) and hands each batch's points to `onBatch` before the next batch
 * is counted done. A failure stops the fetch; batches already handed over stay stored.
 */
export async function fetchHourlyMetrics(
  client: CloudWatchClient,
  requests: readonly MetricRequest[],
  options: FetchHourlyOptions,
): Promise<FetchStats> {
  const stats: FetchStats = { calls: 0, metricsRequested: 0, datapoints: 0, batches: 0 };
  const batches = planBatches(
    requests.filter((r) => r.start.getTime() < options.end.getTime()),
    options.maxQueriesPerCall ?? MAX_QUERIES_PER_CALL,
  );
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    // After a failure no new batch starts; those in flight finish (and are stored) first.
    while (next < batches.length && failure === null) {
      const batch = batches[next++]!;
      try {
        stats.metricsRequested += batch.queries.length;
        // The raw results are not held while onBatch writes: only the points are.
        await options.onBatch(await fetchBatchPoints(client, batch, options.end, stats, options.usage));
        stats.batches++;
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 2, batches.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return stats;
}

/**
 * The dimensions of CWAgent mem_used_percent per instance id (ListMetrics, every page). An
 * agent may publish several dimension sets for one instance (InstanceId alone, or with ImageId
 * and InstanceType); the smallest set is used, deterministically.
 */
export async function listMemoryMetrics(
  client: CloudWatchClient,
  usage?: AwsUsageMeter,
): Promise<Map<string, Dimension[]>> {
  const found = new Map<string, Dimension[]>();
  let nextToken: string | undefined;
  do {
    const page = await awsCall('cloudwatch:ListMetrics', () =>
      client.send(
        new ListMetricsCommand({
          Namespace: METRIC_SPECS.mem.namespace,
          MetricName: METRIC_SPECS.mem.metricName,
          NextToken: nextToken,
        }),
      ),
    );
    usage?.listMetrics();
    for (const metric of page.Metrics ?? []) {
      const dims = metric.Dimensions ?? [];
      const instanceId = dims.find((d) => d.Name === 'InstanceId')?.Value;
      if (!instanceId) continue;
      const current = found.get(instanceId);
      const key = (d: Dimension[]) => `${String(d.length).padStart(3, '0')}${JSON.stringify(d)}`;
      if (!current || key(dims) < key(current)) found.set(instanceId, dims);
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return found;
}
