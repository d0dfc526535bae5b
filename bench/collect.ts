/**
 * Metrics collection at fleet scale: `npm run bench:collect [-- --sizes 1000,10000] [--data DIR]`.
 *
 * For fleets of 1,000 and 10,000 instances (DescribeInstances clones of the recorded running
 * instance, served by the EC2 stand-in) whose metrics replay real recordings on the CloudWatch
 * stand-in, it prints API calls, datapoints, wall time and the CloudWatch cost per run for:
 *   - the collect-metrics job (GetMetricData, up to 500 queries per call), first run and the
 *     hourly incremental run, writing to PostgreSQL;
 *   - a 14-day backfill fetch with the same batching (no database writes);
 *   - the naive way, one GetMetricStatistics call per metric and statistic kind, measured in the
 *     same run on the same requests (implemented here only).
 * Instance k: even k replays NAB CPUUtilization series k/2 mod 8 and NAB NetworkIn series
 * k/2 mod 3 (no NetworkOut recording, no CloudWatch agent); odd k replays Bitbrains VM
 * (k-1)/2 mod 10 (July 2013): CPU %, memory used % as CWAgent mem_used_percent, network
 * received/transmitted as NetworkIn/Out bytes per 5 minutes. Every series is shifted to end at
 * the same hour. Wall times are local (stand-in on 127.0.0.1): they show costbot's own overhead
 * and request count, not AWS latency.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { createAwsClients } from '../src/aws/clients.js';
import {
  fetchHourlyMetrics,
  listMemoryMetrics,
  METRIC_SPECS,
  type MetricRequest,
} from '../src/aws/cloudwatch-metrics.js';
import { loadConfig } from '../src/config.js';
import { listInstances } from '../src/db/queries/instances.js';
import { collectInventory } from '../src/worker/jobs/collect/inventory.js';
import { collectMetrics } from '../src/worker/jobs/collect/metrics.js';
import { collectInventoryPayload, collectMetricsPayload } from '../src/jobs/schemas/collect.js';
import { startCloudWatchStandin } from '../test/aws-standins/cloudwatch.js';
import { fleetReservations, readRecordedReservations, startEc2Standin } from '../test/aws-standins/ec2.js';
import { createTestDatabase } from '../test/support/database.js';
import { dataDir } from './data-dir.js';
import { loadFleetRecordings, serveFleetMetrics, type FleetRecordings } from './pipeline-data.js';
import { floorToHour } from '../src/days.js';

const HOUR = 3600_000;
const USD_PER_1000 = 0.01;
const ANCHOR = Date.parse('2026-07-20T12:00:00Z');
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };

interface Row {
  label: string;
  calls: number;
  /** Metric x statistic series asked for (what GetMetricData bills as "metrics requested"). */
  metrics: number;
  datapoints: number;
  seconds: number;
  /** What CloudWatch bills for the run: metrics requested (GetMetricData) or requests (GetMetricStatistics). */
  billed: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');
function print(n: number, rows: Row[]): void {
  process.stdout.write(`\nfleet of ${fmt(n)} instances\n`);
  process.stdout.write(
    `${'run'.padEnd(64)}${'API calls'.padStart(11)}${'series'.padStart(10)}${'datapoints'.padStart(13)}${'wall s'.padStart(9)}${'USD/run'.padStart(10)}\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${r.label.padEnd(64)}${fmt(r.calls).padStart(11)}${fmt(r.metrics).padStart(10)}${fmt(r.datapoints).padStart(13)}${r.seconds.toFixed(1).padStart(9)}${((r.billed / 1000) * USD_PER_1000).toFixed(3).padStart(10)}\n`,
    );
  }
}

/** The naive way: one GetMetricStatistics per metric and statistic kind (Statistics and ExtendedStatistics cannot share a call). */
async function naiveFetch(
  client: CloudWatchClient,
  requests: MetricRequest[],
  end: Date,
  concurrency = 16,
): Promise<{ calls: number; series: number; datapoints: number }> {
  const calls: { request: MetricRequest; statistics?: string[]; extended?: string[] }[] = [];
  for (const request of requests) {
    const stats = METRIC_SPECS[request.metric].stats.map((s) => s.stat);
    const plain = stats.filter((s) => !s.startsWith('p'));
    const extended = stats.filter((s) => s.startsWith('p'));
    if (plain.length > 0) calls.push({ request, statistics: plain });
    if (extended.length > 0) calls.push({ request, extended });
  }
  let next = 0;
  let datapoints = 0;
  const worker = async () => {
    while (next < calls.length) {
      const c = calls[next++]!;
      const spec = METRIC_SPECS[c.request.metric];
      const out = await client.send(
        new GetMetricStatisticsCommand({
          Namespace: spec.namespace,
          MetricName: spec.metricName,
          Dimensions: c.request.dimensions,
          StartTime: c.request.start,
          EndTime: end,
          Period: 3600,
          ...(c.statistics
            ? { Statistics: c.statistics as ('Average' | 'Maximum' | 'Sum')[] }
            : { ExtendedStatistics: c.extended }),
        }),
      );
      datapoints += (out.Datapoints ?? []).length * (c.statistics ?? c.extended ?? []).length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const series = calls.reduce((sum, c) => sum + (c.statistics ?? c.extended ?? []).length, 0);
  return { calls: calls.length, series, datapoints };
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await f();
  return [out, (performance.now() - t0) / 1000];
}

async function benchFleet(n: number, rec: FleetRecordings, template: string): Promise<void> {
  const ec2 = await startEc2Standin({ reservations: fleetReservations(template, n), instanceTypes: [] });
  const cw = await startCloudWatchStandin();
  serveFleetMetrics(cw, rec, n);
  const database = await createTestDatabase();
  const config = loadConfig('migrate', {
    DATABASE_URL: database.url,
    AWS_REGION: 'us-west-2',
    METRICS_LOOKBACK_DAYS: '1',
  });
  const aws = createAwsClients(config, { endpoints: { ec2: ec2.url, cloudwatch: cw.url }, credentials: CREDENTIALS });
  const clock = { now: new Date(ANCHOR - 2 * HOUR + 20 * 60_000) };
  const ctx = { db: database.db, config, log: pino({ level: 'silent' }), now: () => clock.now, aws };
  const rows: Row[] = [];
  try {
    const [inv, invSeconds] = await timed(() =>
      collectInventory(ctx, collectInventoryPayload.parse({ includeTypes: false })),
    );
    rows.push({
      label: 'inventory: DescribeInstances (1,000 per page)',
      calls: ec2.served('DescribeInstances'),
      metrics: 0,
      datapoints: inv.counts['instances']!,
      seconds: invSeconds,
      billed: 0,
    });

    for (const [label, at] of [
      ['collect-metrics job, first run (1-day lookback), to PostgreSQL', clock.now],
      ['collect-metrics job, next hour (incremental), to PostgreSQL', new Date(clock.now.getTime() + HOUR)],
    ] as const) {
      clock.now = at;
      const before = cw.requests.length;
      const [out, seconds] = await timed(() => collectMetrics(ctx, collectMetricsPayload.parse({})));
      const calls = cw.requests.length - before;
      rows.push({
        label,
        calls,
        metrics: out.counts['metricsRequested']!,
        datapoints: out.counts['datapoints']!,
        seconds,
        billed: out.counts['metricsRequested']!,
      });
    }

    // 14 days back from the last settled hour, the same requests both ways.
    const end = floorToHour(new Date(ANCHOR - HOUR));
    const start = new Date(end.getTime() - 14 * 24 * HOUR);
    const client = aws.cloudwatch(aws.accounts[0]!, 'us-west-2');
    const memory = await listMemoryMetrics(client);
    const instances = await listInstances(database.db);
    const requests: MetricRequest[] = instances.flatMap(({ instanceId }) => {
      const dims = [{ Name: 'InstanceId', Value: instanceId }];
      const base = (['cpu', 'network_in', 'network_out'] as const).map((metric) => ({
        instanceId,
        metric,
        start,
        dimensions: dims,
      }));
      const mem = memory.get(instanceId);
      return mem ? [...base, { instanceId, metric: 'mem' as const, start, dimensions: mem }] : base;
    });
    const [batched, batchedSeconds] = await timed(() =>
      fetchHourlyMetrics(client, requests, { end, onBatch: async () => {} }),
    );
    rows.push({
      label: '14-day backfill, GetMetricData x500 (fetch only)',
      calls: batched.calls,
      metrics: batched.metricsRequested,
      datapoints: batched.datapoints,
      seconds: batchedSeconds,
      billed: batched.metricsRequested,
    });
    const [naive, naiveSeconds] = await timed(() => naiveFetch(client, requests, end));
    rows.push({
      label: '14-day backfill, naive GetMetricStatistics per metric',
      calls: naive.calls,
      metrics: naive.series,
      datapoints: naive.datapoints,
      seconds: naiveSeconds,
      billed: naive.calls,
    });

    const hourly = requests.map((r) => ({ ...r, start: new Date(end.getTime() - HOUR) }));
    const [naiveHour, naiveHourSeconds] = await timed(() => naiveFetch(client, hourly, end));
    rows.push({
      label: 'one hour, naive GetMetricStatistics per metric',
      calls: naiveHour.calls,
      metrics: naiveHour.series,
      datapoints: naiveHour.datapoints,
      seconds: naiveHourSeconds,
      billed: naiveHour.calls,
    });
    print(n, rows);
  } finally {
    aws.destroy();
    await Promise.all([database.drop(), ec2.close(), cw.close()]);
  }
}

async function main(): Promise<void> {
  const dir = dataDir();
  const i = process.argv.indexOf('--sizes');
  const sizes = (i >= 0 ? process.argv[i + 1]! : '1000,10000').split(',').map(Number);
  const rec = loadFleetRecordings(dir, ANCHOR);
  const recorded = readRecordedReservations(join(dir, 'aws-api/responses_ec2-describe-instances.xml'));
  const template = recorded.find((r) => r.includes('<name>running</name>'))!;
  process.stdout.write(
    `bench:collect — ${rec.cpu.length} NAB CPU + ${rec.netIn.length} NAB NetworkIn series, ${rec.vms.length} Bitbrains VMs; ` +
      `CloudWatch cost at $${USD_PER_1000} per 1,000 metrics requested (GetMetricData) or requests (GetMetricStatistics)\n`,
  );
  for (const n of sizes) await benchFleet(n, rec, template);
}

await main();
