import {
  decodeJsonTarget,
  jsonReply,
  startStandin,
  type FaultKind,
  type ServiceReply,
  type StandinServer,
} from './standin-server.js';
import type { RecordedSeries } from '../support/recorded-series.js';

/**
 * CloudWatch stand-in, speaking what @aws-sdk/client-cloudwatch 3.11xx sends: AWS JSON 1.0
 * (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`, `x-amzn-query-mode: true`, epoch-second
 * timestamps), with query-compatible errors (`x-amzn-query-error: <Code>;<Fault>`).
 *
 * It stores real recorded series as raw samples and aggregates them per request like CloudWatch
 * does: periods aligned to StartTime, [start, start + period) per datapoint, only periods that
 * have samples; Average/Maximum/Minimum/Sum/SampleCount and pNN percentiles (nearest rank).
 * GetMetricData pages at MaxDatapoints (default and cap 100,800), continuing a query on the next
 * page with StatusCode PartialData. GetMetricStatistics refuses more than 1,440 datapoints.
 */

interface Dim {
  Name: string;
  Value: string;
}

interface StoredMetric {
  namespace: string;
  metricName: string;
  dimensions: Dim[];
  series: RecordedSeries;
}

export interface CloudWatchStandin extends StandinServer {
  /** Serves `series` (already placed in time, see shiftSeries) as this metric. */
  putMetric(namespace: string, metricName: string, dimensions: Dim[], series: RecordedSeries): void;
}

const MAX_DATAPOINTS = 100_800;
const METRICS_PAGE = 500;

const dimsKey = (dims: readonly Dim[]) =>
  [...dims]
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map((d) => `${d.Name}=${d.Value}`)
    .join(',');
const metricKey = (ns: string, name: string, dims: readonly Dim[]) => `${ns}|${name}|${dimsKey(dims)}`;

function firstIndexAtOrAfter(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function statOf(values: number[], stat: string): number {
  if (stat === 'Average') return values.reduce((a, b) => a + b, 0) / values.length;
  if (stat === 'Sum') return values.reduce((a, b) => a + b, 0);
  if (stat === 'Maximum') return Math.max(...values);
  if (stat === 'Minimum') return Math.min(...values);
  if (stat === 'SampleCount') return values.length;
  const p = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (!p) throw new Error(`unsupported statistic ${stat}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((Number(p[1]) / 100) * sorted.length) - 1)]!;
}

interface Aggregated {
  times: number[];
  values: number[];
}

const seriesIds = new WeakMap<RecordedSeries, number>();
let nextSeriesId = 0;
const cache = new Map<string, Aggregated>();

/** Datapoints of `series` for [startMs, endMs) at `periodMs`; memoised, as fleets share series. */
function aggregate(series: RecordedSeries, startMs: number, endMs: number, periodMs: number, stat: string): Aggregated {
  if (!seriesIds.has(series)) seriesIds.set(series, nextSeriesId++);
  const key = `${seriesIds.get(series)}|${startMs}|${endMs}|${periodMs}|${stat}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out: Aggregated = { times: [], values: [] };
  let i = firstIndexAtOrAfter(series.times, startMs);
  for (let t = startMs; t < endMs && i < series.times.length; t += periodMs) {
    const bucket: number[] = [];
    while (i < series.times.length && series.times[i]! < t + periodMs && series.times[i]! < endMs)
      bucket.push(series.values[i++]!);
    if (bucket.length > 0) {
      out.times.push(t);
      out.values.push(statOf(bucket, stat));
    }
  }
  if (cache.size > 200_000) cache.clear();
  cache.set(key, out);
  return out;
}

const FAULTS: Record<Exclude<FaultKind, 'timeout'>, (op: string) => ServiceReply> = {
  throttle: () =>
    jsonReply({ __type: 'Throttling', message: 'Rate exceeded' }, '1.0', 400, {
      'x-amzn-query-error': 'Throttling;Sender',
    }),
  'server-error': () =>
    jsonReply({ __type: 'InternalServiceFault', message: 'Internal service error' }, '1.0', 500, {
      'x-amzn-query-error': 'InternalServiceError;Receiver',
    }),
  'access-denied': (op) =>
    jsonReply(
      {
        __type: 'com.amazon.coral.service#AccessDeniedException',
        Message: `User: arn:aws:iam::123456789012:user/costbot is not authorized to perform: cloudwatch:${op} because no identity-based policy allows the cloudwatch:${op} action`,
      },
      '1.0',
      403,
      { 'x-amzn-query-error': 'AccessDenied;Sender' },
    ),
};

const invalid = (message: string) =>
  jsonReply({ __type: 'com.amazonaws.cloudwatch#InvalidParameterCombinationException', message }, '1.0', 400, {
    'x-amzn-query-error': 'InvalidParameterCombination;Sender',
  });

interface MetricStatQuery {
  Id: string;
  Label?: string;
  MetricStat: { Metric: { Namespace: string; MetricName: string; Dimensions?: Dim[] }; Period: number; Stat: string };
}

function getMetricData(
  metrics: Map<string, StoredMetric>,
  body: Record<string, unknown>,
  pageCap: number,
): ServiceReply {
  const queries = body['MetricDataQueries'] as MetricStatQuery[];
  if (queries.length > 500) return invalid('The collection MetricDataQueries must not have a size greater than 500.');
  const startMs = (body['StartTime'] as number) * 1000;
  const endMs = (body['EndTime'] as number) * 1000;
  const descending = body['ScanBy'] !== 'TimestampAscending';
  const limit = Math.min((body['MaxDatapoints'] as number | undefined) ?? MAX_DATAPOINTS, pageCap);
  const token = body['NextToken']
    ? (JSON.parse(Buffer.from(body['NextToken'] as string, 'base64').toString()) as { q: number; i: number })
    : { q: 0, i: 0 };
  const results: unknown[] = [];
  let room = limit;
  let q = token.q;
  let i = token.i;
  for (; q < queries.length && room > 0; q++, i = 0) {
    const { Id, Label, MetricStat: ms } = queries[q]!;
    const stored = metrics.get(metricKey(ms.Metric.Namespace, ms.Metric.MetricName, ms.Metric.Dimensions ?? []));
    const agg = stored
      ? aggregate(stored.series, startMs, endMs, ms.Period * 1000, ms.Stat)
      : { times: [], values: [] };
    const order = agg.times.map((_, k) => (descending ? agg.times.length - 1 - k : k));
    const take = order.slice(i, i + room);
    room -= take.length;
    const done = i + take.length >= order.length;
    results.push({
      Id,
      Label: Label ?? ms.Metric.MetricName,
      Timestamps: take.map((k) => agg.times[k]! / 1000),
      Values: take.map((k) => agg.values[k]!),
      StatusCode: done ? 'Complete' : 'PartialData',
    });
    if (!done) {
      i += take.length;
      break;
    }
  }
  const more = q < queries.length;
  const next = more ? Buffer.from(JSON.stringify({ q, i })).toString('base64') : undefined;
  return jsonReply({ MetricDataResults: results, Messages: [], ...(next ? { NextToken: next } : {}) }, '1.0');
}

function listMetrics(metrics: Map<string, StoredMetric>, body: Record<string, unknown>): ServiceReply {
  const wanted = (body['Dimensions'] as { Name: string; Value?: string }[] | undefined) ?? [];
  const matches = [...metrics.values()].filter(
    (m) =>
      (!body['Namespace'] || m.namespace === body['Namespace']) &&
      (!body['MetricName'] || m.metricName === body['MetricName']) &&
      wanted.every((w) =>
        m.dimensions.some((d) => d.Name === w.Name && (w.Value === undefined || d.Value === w.Value)),
      ),
  );
  const start = Number(body['NextToken'] ?? 0);
  const page = matches.slice(start, start + METRICS_PAGE);
  const next = start + METRICS_PAGE < matches.length ? String(start + METRICS_PAGE) : undefined;
  return jsonReply(
    {
      Metrics: page.map((m) => ({ Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions })),
      ...(next ? { NextToken: next } : {}),
    },
    '1.0',
  );
}

function getMetricStatistics(metrics: Map<string, StoredMetric>, body: Record<string, unknown>): ServiceReply {
  const statistics = (body['Statistics'] as string[] | undefined) ?? [];
  const extended = (body['ExtendedStatistics'] as string[] | undefined) ?? [];
  if (statistics.length > 0 === extended.length > 0)
    return invalid('Specify either Statistics or ExtendedStatistics, but not both.');
  const startMs = (body['StartTime'] as number) * 1000;
  const endMs = (body['EndTime'] as number) * 1000;
  const periodMs = (body['Period'] as number) * 1000;
  if ((endMs - startMs) / periodMs > 1440)
    return invalid('You have requested up to 1,440 datapoints, which exceeds the limit of 1,440.');
  const stored = metrics.get(
    metricKey(
      body['Namespace'] as string,
      body['MetricName'] as string,
      (body['Dimensions'] as Dim[] | undefined) ?? [],
    ),
  );
  const byTime = new Map<number, Record<string, unknown>>();
  for (const stat of [...statistics, ...extended]) {
    const agg = stored ? aggregate(stored.series, startMs, endMs, periodMs, stat) : { times: [], values: [] };
    agg.times.forEach((t, k) => {
      const point = byTime.get(t) ?? { Timestamp: t / 1000, Unit: 'None' };
      if (extended.includes(stat))
        point['ExtendedStatistics'] = { ...(point['ExtendedStatistics'] as object), [stat]: agg.values[k] };
      else point[stat] = agg.values[k];
      byTime.set(t, point);
    });
  }
  return jsonReply({ Label: body['MetricName'], Datapoints: [...byTime.values()] }, '1.0');
}

export interface CloudWatchStandinOptions {
  /** Datapoints per GetMetricData page at most, to exercise NextToken paging. @defaultValue 100800 */
  pageDatapoints?: number;
}

export async function startCloudWatchStandin(options: CloudWatchStandinOptions = {}): Promise<CloudWatchStandin> {
  const metrics = new Map<string, StoredMetric>();
  const server = await startStandin({
    decode: decodeJsonTarget,
    handle(req) {
      const body = req.body as Record<string, unknown>;
      if (req.op === 'GetMetricData') return getMetricData(metrics, body, options.pageDatapoints ?? MAX_DATAPOINTS);
      if (req.op === 'ListMetrics') return listMetrics(metrics, body);
      if (req.op === 'GetMetricStatistics') return getMetricStatistics(metrics, body);
      return jsonReply({ __type: 'UnknownOperationException' }, '1.0', 400);
    },
    fault: (kind, op) => FAULTS[kind](op),
  });
  return {
    ...server,
    putMetric(namespace, metricName, dimensions, series) {
      metrics.set(metricKey(namespace, metricName, dimensions), { namespace, metricName, dimensions, series });
    },
  };
}
