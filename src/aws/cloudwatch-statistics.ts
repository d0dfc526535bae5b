import { GetMetricStatisticsCommand, type CloudWatchClient, type Datapoint } from '@aws-sdk/client-cloudwatch';
import { awsCall } from './aws-errors.js';
import {
  METRIC_SPECS,
  PERIOD_SECONDS,
  type FetchHourlyOptions,
  type FetchStats,
  type HourlyPoint,
  type MetricRequest,
} from './cloudwatch-metrics.js';

/** GetMetricStatistics returns at most 1,440 datapoints per call: 60 days of hours. */
const MAX_HOURS_PER_CALL = 1440;

/** Requests handed to onBatch together, so that points are written in a few large transactions. */
const REQUESTS_PER_BATCH = 250;

/**
 * Calls in flight at once. CloudWatch allows 400 GetMetricStatistics a second per region by
 * default; 16 concurrent calls of ~50 ms stay well under it.
 */
const DEFAULT_CONCURRENCY = 16;

type Stat = (typeof METRIC_SPECS)[keyof typeof METRIC_SPECS]['stats'][number];

/** One GetMetricStatistics call: one metric, one time range, plain statistics or percentiles (never both). */
interface StatCall {
  request: MetricRequest;
  start: Date;
  end: Date;
  stats: Stat[];
  extended: boolean;
}

/**
 * The calls for one request: AWS refuses Statistics and ExtendedStatistics in one call, so a
 * metric with both (CPU, memory: Average/Maximum and p95/p99) takes two calls per range; ranges
 * longer than 1,440 hours (backfills over 60 days) are cut.
 */
export function planStatisticsCalls(request: MetricRequest, end: Date): StatCall[] {
  const stats = METRIC_SPECS[request.metric].stats;
  const kinds = [stats.filter((s) => !s.stat.startsWith('p')), stats.filter((s) => s.stat.startsWith('p'))];
  const calls: StatCall[] = [];
  for (let t = request.start.getTime(); t < end.getTime(); t += MAX_HOURS_PER_CALL * PERIOD_SECONDS * 1000) {
    const callEnd = new Date(Math.min(end.getTime(), t + MAX_HOURS_PER_CALL * PERIOD_SECONDS * 1000));
    kinds.forEach((kind, i) => {
      if (kind.length > 0) calls.push({ request, start: new Date(t), end: callEnd, stats: kind, extended: i === 1 });
    });
  }
  return calls;
}

function callStatistics(client: CloudWatchClient, call: StatCall) {
  const spec = METRIC_SPECS[call.request.metric];
  const names = call.stats.map((s) => s.stat);
  return awsCall('cloudwatch:GetMetricStatistics', () =>
    client.send(
      new GetMetricStatisticsCommand({
        Namespace: spec.namespace,
        MetricName: spec.metricName,
        Dimensions: call.request.dimensions,
        StartTime: call.start,
        EndTime: call.end,
        Period: PERIOD_SECONDS,
        ...(call.extended ? { ExtendedStatistics: names } : { Statistics: names as ('Average' | 'Sum')[] }),
      }),
    ),
  );
}

function valueOf(d: Datapoint, stat: string, extended: boolean): number | null {
  if (extended) return d.ExtendedStatistics?.[stat] ?? null;
  const v = (d as Record<string, unknown>)[stat];
  return typeof v === 'number' ? v : null;
}

/**
 * Fetches hourly statistics for `requests` with GetMetricStatistics: one request per metric and
 * kind of statistic (all plain statistics in one call, all percentiles in another), billed per
 * request rather than per metric x statistic. The points of each group of requests go to
 * `onBatch` once every call of the group answered, so a stored metric is complete for its range
 * and a failed run resumes after its newest stored hour.
 */
export async function fetchHourlyStatistics(
  client: CloudWatchClient,
  requests: readonly MetricRequest[],
  options: FetchHourlyOptions,
): Promise<FetchStats> {
  const stats: FetchStats = { calls: 0, metricsRequested: 0, datapoints: 0, batches: 0 };
  const pending = requests.filter((r) => r.start.getTime() < options.end.getTime());
  for (let i = 0; i < pending.length; i += REQUESTS_PER_BATCH) {
    const group = pending.slice(i, i + REQUESTS_PER_BATCH);
    const calls = group.flatMap((r) => planStatisticsCalls(r, options.end));
    const points = new Map<MetricRequest, Map<number, HourlyPoint>>();
    let next = 0;
    let failed = false;
    const lane = async () => {
      // After a failure no new call starts; the group is not stored and the next run fetches it again.
      while (next < calls.length && !failed) {
        const call = calls[next++]!;
        const out = await callStatistics(client, call).catch((err: unknown) => {
          failed = true;
          throw err;
        });
        stats.calls++;
        options.usage?.getMetricStatistics();
        const hours = points.get(call.request) ?? new Map<number, HourlyPoint>();
        points.set(call.request, hours);
        for (const d of out.Datapoints ?? []) {
          const ts = d.Timestamp;
          if (!ts || ts.getTime() < call.start.getTime() || ts.getTime() >= call.end.getTime()) continue;
          let point = hours.get(ts.getTime());
          if (!point) {
            const { instanceId, metric } = call.request;
            point = {
              instanceId,
              metric,
              ts,
              periodSeconds: PERIOD_SECONDS,
              avg: null,
              max: null,
              p95: null,
              p99: null,
            };
            hours.set(ts.getTime(), point);
          }
          for (const { stat, field } of call.stats) {
            const v = valueOf(d, stat, call.extended);
            if (v !== null) stats.datapoints++;
            point[field] = v;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, calls.length) }, lane));
    await options.onBatch([...points.values()].flatMap((hours) => [...hours.values()]));
    stats.batches++;
  }
  return stats;
}
