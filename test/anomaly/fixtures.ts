import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCsv } from '../../src/csv.js';
import type { CostRow } from '../../src/ml/cost-series.js';
import type { MetricName } from '../../src/metrics.js';

/** Real data cut for the anomaly tests; sources in test/fixtures/anomaly/README.md. */
export const ANOMALY_FIXTURES = join(import.meta.dirname, '../fixtures/anomaly');

export interface NabCut {
  labels: string[];
  times: number[];
  values: number[];
}

/** A (cut of a) NAB realAWSCloudwatch file: `timestamp,value`, UTC naive timestamps. */
export async function readNabCut(file: string): Promise<NabCut> {
  const path = join(ANOMALY_FIXTURES, 'nab', 'data', 'realAWSCloudwatch', file);
  const table = parseCsv(await readFile(path, 'utf8'), path);
  return {
    labels: table.rows.map((r) => r[0]!),
    times: table.rows.map((r) => Date.parse(`${r[0]!.replace(' ', 'T')}Z`)),
    values: table.rows.map((r) => Number(r[1])),
  };
}

/** Row index of a timestamp in a cut. */
export function rowOf(cut: NabCut, timestamp: string): number {
  const i = cut.labels.indexOf(timestamp.slice(0, 19));
  if (i < 0) throw new Error(`${timestamp} is not in the cut`);
  return i;
}

/** CUR rows exported from ../shared/data/cur-2018 (see the README for the query). */
export async function readCurRows(file: string): Promise<CostRow[]> {
  const path = join(ANOMALY_FIXTURES, 'cur', file);
  const table = parseCsv(await readFile(path, 'utf8'), path);
  const col = Object.fromEntries(table.header.map((h, i) => [h, i]));
  return table.rows.map((r) => ({
    day: r[col['day']!]!,
    accountId: r[col['account_id']!]!,
    service: r[col['service']!]!,
    region: col['region'] === undefined ? '' : r[col['region']]!,
    usageType: col['usage_type'] === undefined ? '' : r[col['usage_type']]!,
    resourceId: col['resource_id'] === undefined ? undefined : r[col['resource_id']]!,
    usd: Number(r[col['unblended_usd']!]),
  }));
}

/** metric_points rows built from a NAB cut. */
export interface HourlyPoint {
  instanceId: string;
  metric: MetricName;
  ts: Date;
  periodSeconds: number;
  avg: number;
}

/**
 * A cut's 5-minute values bucketed per UTC hour as costbot stores them: CPU as the hour's mean
 * (%), network as bytes per hour (the mean 5-minute Sum times 12, so a partial first or last
 * hour is not undercounted). `shiftMs` moves every timestamp, to replay the series on other days.
 */
export function hourlyPoints(
  cut: NabCut,
  p: { instanceId: string; metric: MetricName; shiftMs?: number },
): HourlyPoint[] {
  const buckets = new Map<number, { sum: number; n: number }>();
  cut.times.forEach((t, i) => {
    const hour = Math.floor(t / 3_600_000) * 3_600_000;
    const b = buckets.get(hour) ?? { sum: 0, n: 0 };
    buckets.set(hour, { sum: b.sum + cut.values[i]!, n: b.n + 1 });
  });
  const perHour = p.metric === 'network_in' || p.metric === 'network_out' ? 12 : 1;
  return [...buckets].map(([hour, b]) => ({
    instanceId: p.instanceId,
    metric: p.metric,
    ts: new Date(hour + (p.shiftMs ?? 0)),
    periodSeconds: 3600,
    avg: (b.sum / b.n) * perHour,
  }));
}
