/**
 * costbot's own AWS bill at fleet scale:
 * `npm run bench:collect [-- --sizes 1000,10000] [--daily-only-above N] [--data DIR]`.
 *
 * For fleets of 1,000 and 10,000 instances (DescribeInstances clones of the recorded running
 * instance, served by the EC2 stand-in) whose metrics replay real recordings on the CloudWatch
 * stand-in, it runs the real collect-metrics job and prints, from the paid calls the job made
 * (counted by the same meter the worker stores in job_runs.details.awsUsage):
 *   - the first run (1-day backfill), with GetMetricData;
 *   - one run of each schedule (hourly, every 6 h, daily: the run refetches the last 1, 6 or 24
 *     hours) in each call style (GetMetricData batches of 500 queries; GetMetricStatistics with
 *     all plain statistics of a metric in one request and its percentiles in another), with the
 *     points stored, the cost of the run and of a month of such runs (730 h a month);
 *   - the month's total of costbot's own AWS bill with the default settings: CloudWatch as
 *     measured, plus Athena for the daily collect-costs run, estimated from the real CUR export
 *     (compressed bytes of the columns the queries read, per EC2 instance and billing period)
 *     at $5/TB with the 10 MB minimum per query.
 * Instance k: even k replays NAB CPUUtilization series k/2 mod 8 and NAB NetworkIn series
 * k/2 mod 3 (no NetworkOut recording, no CloudWatch agent); odd k replays Bitbrains VM
 * (k-1)/2 mod 10 (July 2013): CPU %, memory used % as CWAgent mem_used_percent, network
 * received/transmitted as NetworkIn/Out bytes per 5 minutes. Every series is shifted to end at
 * the same hour. Wall times are local (stand-in on 127.0.0.1): they show costbot's own overhead
 * and request count, not AWS latency.
 */
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { pino } from 'pino';
import { gte } from 'drizzle-orm';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildDailyCostQuery, buildResourceCostQuery } from '../src/aws/athena-cur.js';
import { createAwsClients } from '../src/aws/clients.js';
import { loadConfig, type Config } from '../src/config.js';
import { AWS_PRICES, athenaBilledBytes, awsCostOf, AwsUsageMeter } from '../src/cost/aws-usage.js';
import { metricPoints } from '../src/db/schema/index.js';
import { collectInventory } from '../src/worker/jobs/collect/inventory.js';
import { collectMetrics } from '../src/worker/jobs/collect/metrics.js';
import { collectInventoryPayload, collectMetricsPayload } from '../src/jobs/schemas/collect.js';
import { startCloudWatchStandin } from '../test/aws-standins/cloudwatch.js';
import { fleetReservations, readRecordedReservations, startEc2Standin } from '../test/aws-standins/ec2.js';
import { createTestDatabase } from '../test/support/database.js';
import { dataDir } from './data-dir.js';
import { loadFleetRecordings, serveFleetMetrics, type FleetRecordings } from './pipeline-data.js';
import { HOUR_MS } from '../src/days.js';

const ANCHOR = Date.parse('2026-07-20T12:00:00Z');
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };
/** Hours in an average month (365 x 24 / 12). */
const MONTH_HOURS = 730;

const SCHEDULES = [
  { name: 'hourly', cron: '15 * * * *', hours: 1 },
  { name: 'every 6 h', cron: '15 */6 * * *', hours: 6 },
  { name: 'daily', cron: '30 0 * * *', hours: 24 },
] as const;
const STYLES = [
  { style: 'get-metric-data', label: 'GetMetricData x500' },
  { style: 'get-metric-statistics', label: 'GetMetricStatistics' },
] as const;

interface Row {
  label: string;
  calls: number;
  /** What CloudWatch bills: GetMetricData metrics requested plus GetMetricStatistics/ListMetrics requests. */
  billed: number;
  points: number;
  seconds: number;
  usdPerRun: number;
  /** Runs a month at this schedule, for the monthly figure; 0 for a one-off. */
  runsPerMonth: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');
function print(n: number, rows: Row[]): void {
  process.stdout.write(`\nfleet of ${fmt(n)} instances\n`);
  process.stdout.write(
    `${'run'.padEnd(58)}${'API calls'.padStart(11)}${'billed'.padStart(10)}${'points'.padStart(11)}${'wall s'.padStart(8)}${'USD/run'.padStart(10)}${'USD/month'.padStart(11)}\n`,
  );
  for (const r of rows) {
    const month = r.runsPerMonth > 0 ? (r.usdPerRun * r.runsPerMonth).toFixed(2) : '';
    process.stdout.write(
      `${r.label.padEnd(58)}${fmt(r.calls).padStart(11)}${fmt(r.billed).padStart(10)}${fmt(r.points).padStart(11)}${r.seconds.toFixed(1).padStart(8)}${r.usdPerRun.toFixed(3).padStart(10)}${month.padStart(11)}\n`,
    );
  }
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await f();
  return [out, (performance.now() - t0) / 1000];
}

/** One run of the collect-metrics job with its own usage meter; `refetchHours` of stored points are dropped first. */
async function measuredRun(
  ctx: Parameters<typeof collectMetrics>[0],
  config: Config,
  refetchHours: number,
  end: number,
): Promise<{ calls: number; billed: number; points: number; seconds: number; usd: number }> {
  if (refetchHours > 0)
    await ctx.db.delete(metricPoints).where(gte(metricPoints.ts, new Date(end - refetchHours * HOUR_MS)));
  const usage = new AwsUsageMeter();
  const [out, seconds] = await timed(() => collectMetrics({ ...ctx, config, usage }, collectMetricsPayload.parse({})));
  const c = usage.counts;
  return {
    calls: c.getMetricDataCalls + c.getMetricStatisticsRequests + c.listMetricsRequests,
    billed: c.cloudwatchMetricsRequested + c.getMetricStatisticsRequests + c.listMetricsRequests,
    points: out.counts['pointsStored']!,
    seconds,
    usd: awsCostOf(c).cloudwatchUsd,
  };
}

/** The default (daily, GetMetricStatistics) CloudWatch cost a month at this fleet size. */
async function benchFleet(n: number, rec: FleetRecordings, template: string, dailyOnlyAbove: number): Promise<number> {
  const ec2 = await startEc2Standin({ reservations: fleetReservations(template, n), instanceTypes: [] });
  const cw = await startCloudWatchStandin();
  serveFleetMetrics(cw, rec, n);
  const database = await createTestDatabase();
  const env = { DATABASE_URL: database.url, AWS_REGION: 'us-west-2', METRICS_LOOKBACK_DAYS: '1' };
  const config = loadConfig('migrate', env);
  const aws = createAwsClients(config, { endpoints: { ec2: ec2.url, cloudwatch: cw.url }, credentials: CREDENTIALS });
  const now = new Date(ANCHOR - 2 * HOUR_MS + 20 * 60_000);
  const ctx = { db: database.db, config, log: pino({ level: 'silent' }), now: () => now, aws };
  const rows: Row[] = [];
  let defaultMonthly = 0;
  try {
    const [inv, invSeconds] = await timed(() =>
      collectInventory(ctx, collectInventoryPayload.parse({ includeTypes: false })),
    );
    rows.push({
      label: 'inventory: DescribeInstances (free)',
      calls: ec2.served('DescribeInstances'),
      billed: 0,
      points: inv.counts['instances']!,
      seconds: invSeconds,
      usdPerRun: 0,
      runsPerMonth: 0,
    });
    const end = Math.floor((now.getTime() - 15 * 60_000) / HOUR_MS) * HOUR_MS;
    // The backfill with GetMetricData: 500 metrics a call makes it the quick one to set up the runs below.
    const backfill = loadConfig('migrate', { ...env, METRICS_CALL_STYLE: 'get-metric-data' });
    const first = await measuredRun(ctx, backfill, 0, end);
    rows.push({
      label: 'first run (1-day backfill), GetMetricData x500',
      ...first,
      usdPerRun: first.usd,
      runsPerMonth: 0,
    });
    for (const { style, label } of STYLES) {
      const styled = loadConfig('migrate', { ...env, METRICS_CALL_STYLE: style });
      for (const schedule of SCHEDULES) {
        // GetMetricStatistics makes one request per metric and kind whatever the window (the rows of a
        // smaller fleet show it), and tens of thousands of them are slow on a shared machine:
        // --daily-only-above N measures only its daily run for fleets larger than N.
        if (style === 'get-metric-statistics' && n > dailyOnlyAbove && schedule.hours !== 24) continue;
        const run = await measuredRun(ctx, styled, schedule.hours, end);
        const runsPerMonth = MONTH_HOURS / schedule.hours;
        rows.push({ label: `${schedule.name} (${schedule.cron}), ${label}`, ...run, usdPerRun: run.usd, runsPerMonth });
        if (style === config.METRICS_CALL_STYLE && schedule.cron === config.SCHEDULE_METRICS)
          defaultMonthly = run.usd * runsPerMonth;
      }
    }
    print(n, rows);
    return defaultMonthly;
  } finally {
    aws.destroy();
    await Promise.all([database.drop(), ec2.close(), cw.close()]);
  }
}

/** Compressed bytes per EC2 instance and billing period of the columns each cost query reads, from the real CUR. */
async function curBytesPerInstanceMonth(dir: string): Promise<{ query: string; bytes: number }[]> {
  const folder = join(dir, 'cur-2018');
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.parquet'))
    .map((f) => join(folder, f));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const list = `[${files.map((f) => `'${f}'`).join(', ')}]`;
    const sizes = await conn.runAndReadAll(
      `SELECT path_in_schema AS col, sum(total_compressed_size)::DOUBLE AS bytes FROM parquet_metadata(${list}) GROUP BY 1`,
    );
    const bytesOf = new Map(sizes.getRowObjects().map((r) => [String(r['col']).toLowerCase(), Number(r['bytes'])]));
    const counted = await conn.runAndReadAll(
      `SELECT count(DISTINCT (line_item_resource_id, date_trunc('month', bill_billing_period_start_date)))::DOUBLE AS n FROM read_parquet(${list}) WHERE line_item_resource_id LIKE 'i-%'`,
    );
    const instanceMonths = Number(counted.getRowObjects()[0]!['n']);
    const schema = { format: 'legacy' as const, columns: new Set(bytesOf.keys()), partitionKeys: ['year', 'month'] };
    const table = { database: 'cur', table: 'cur', workgroup: 'primary' };
    const window = { from: new Date('2018-10-01T00:00:00Z'), to: new Date('2018-12-31T00:00:00Z') };
    return [
      ['daily cost', buildDailyCostQuery(table, schema, window).sql],
      ['per-resource cost', buildResourceCostQuery(table, schema, window).sql],
    ].map(([query, sql]) => {
      const read = [...bytesOf.keys()].filter((c) => new RegExp(`\\b${c}\\b`).test(sql!));
      return { query: query!, bytes: read.reduce((sum, c) => sum + bytesOf.get(c)!, 0) / instanceMonths };
    });
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** Athena a month for the daily collect-costs run: each query reads the partitions of the window's billing periods. */
function athenaMonthly(n: number, perQuery: { query: string; bytes: number }[], windowDays: number): number {
  // A window of D days (plus today) touches ceil(D / 30.4) + 1 billing periods at most.
  const periods = Math.ceil(windowDays / 30.4) + 1;
  const perRun = perQuery.reduce((sum, q) => sum + athenaBilledBytes(q.bytes * n * periods), 0);
  return perRun * AWS_PRICES.athenaPerByte * (MONTH_HOURS / 24);
}

async function main(): Promise<void> {
  const dir = dataDir();
  const i = process.argv.indexOf('--sizes');
  const sizes = (i >= 0 ? process.argv[i + 1]! : '1000,10000').split(',').map(Number);
  const d = process.argv.indexOf('--daily-only-above');
  const dailyOnlyAbove = d >= 0 ? Number(process.argv[d + 1]) : Infinity;
  const rec = loadFleetRecordings(dir, ANCHOR);
  const recorded = readRecordedReservations(join(dir, 'aws-api/responses_ec2-describe-instances.xml'));
  const template = recorded.find((r) => r.includes('<name>running</name>'))!;
  const defaults = loadConfig('migrate', { DATABASE_URL: 'postgres://unused@127.0.0.1/unused' });
  process.stdout.write(
    `bench:collect — ${rec.cpu.length} NAB CPU + ${rec.netIn.length} NAB NetworkIn series, ${rec.vms.length} Bitbrains VMs; ` +
      `CloudWatch at $0.01 per 1,000 GetMetricData metrics or GetMetricStatistics/ListMetrics requests; ` +
      `${MONTH_HOURS} h a month; defaults: SCHEDULE_METRICS=${defaults.SCHEDULE_METRICS}, METRICS_CALL_STYLE=${defaults.METRICS_CALL_STYLE}\n`,
  );
  const perQuery = await curBytesPerInstanceMonth(dir);
  process.stdout.write(
    `Athena, from the real CUR (cur-2018): ${perQuery.map((q) => `${q.query} query reads ${fmt(Math.round(q.bytes))} B`).join(', ')} per EC2 instance and billing period (only the columns it uses)\n`,
  );
  const totals: string[] = [];
  for (const n of sizes) {
    const cloudwatch = await benchFleet(n, rec, template, dailyOnlyAbove);
    const athena = athenaMonthly(n, perQuery, defaults.COST_WINDOW_DAYS);
    totals.push(
      `  ${fmt(n).padStart(7)} instances: CloudWatch $${cloudwatch.toFixed(2)} + Athena $${athena.toFixed(2)} + S3 $0.00 (CUR_SOURCE=athena) = $${(cloudwatch + athena).toFixed(2)} a month`,
    );
  }
  process.stdout.write(
    `\ncostbot's own AWS bill with the default settings (target at 10,000 instances: <= $30 a month)\n`,
  );
  process.stdout.write(`${totals.join('\n')}\n`);
}

await main();
