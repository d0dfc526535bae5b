import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import type { Config } from '../../src/config.js';
import { upsertInstanceTypes } from '../../src/db/queries/instance-types.js';
import { upsertPrices } from '../../src/db/queries/prices.js';
import { parseCsv } from '../../src/csv.js';
import { executeRows, type Db } from '../../src/db/client.js';
import { costDaily, instances, metricPoints, type NewMetricPoint } from '../../src/db/schema/index.js';
import type { JobOutcome } from '../../src/worker/job-types.js';
import { forecastCosts } from '../../src/worker/jobs/analyze/forecast.js';
import { rightsize } from '../../src/worker/jobs/analyze/rightsize.js';
import { scoreAnomalies } from '../../src/worker/jobs/analyze/score-anomalies.js';
import { catalog, reported, spec, TRACES } from '../rightsize/traces.js';

/**
 * Real rows for the bot tests, made by the project's own jobs from real data only:
 * - cost_daily: the AWS Well-Architected sample CUR (Oct-Dec 2018), summed per day, account,
 *   service, region and usage type (test/fixtures/bot/cur-2018-cost-daily.csv, see its README);
 *   anomalies and forecasts: the real score-anomalies and forecast-costs jobs run on it;
 * - instances, metric_points, instance_types, prices: Bitbrains VM traces (test/fixtures/rightsize)
 *   as EC2 types would report them (hourly statistics of the 5-minute values), the us-east-1
 *   catalog; recommendations: the real rightsize job run on them.
 */

export const COST_FIXTURE = fileURLToPath(new URL('../fixtures/bot/cur-2018-cost-daily.csv', import.meta.url));

export interface CostRow {
  day: string;
  accountId: string;
  service: string;
  region: string;
  usageType: string;
  usd: number;
  usageAmount: number;
}

export function readCostRows(): CostRow[] {
  const table = parseCsv(readFileSync(COST_FIXTURE, 'utf8'), COST_FIXTURE);
  const col = (name: string) => {
    const i = table.header.indexOf(name);
    if (i < 0) throw new Error(`${COST_FIXTURE} has no ${name} column`);
    return i;
  };
  const [day, account, service, region, usageType, usd, amount] = [
    'day',
    'account_id',
    'service',
    'region',
    'usage_type',
    'unblended_usd',
    'usage_amount',
  ].map(col) as number[];
  return table.rows.map((r) => ({
    day: r[day!]!,
    accountId: r[account!]!,
    service: r[service!]!,
    region: r[region!]!,
    usageType: r[usageType!]!,
    usd: Number(r[usd!]),
    usageAmount: Number(r[amount!]),
  }));
}

export async function loadCostDaily(db: Db, rows: readonly CostRow[] = readCostRows()): Promise<CostRow[]> {
  for (let i = 0; i < rows.length; i += 500) {
    await db.insert(costDaily).values(
      rows.slice(i, i + 500).map((r) => ({
        day: r.day,
        accountId: r.accountId,
        service: r.service,
        region: r.region,
        usageType: r.usageType,
        unblendedUsd: r.usd,
        usageAmount: r.usageAmount,
      })),
    );
  }
  return [...rows];
}

/**
 * Settings the jobs read: every cost scope (usage types too), 28 days of history before scoring,
 * every day scored, drops raised too (the real export's clearest events are drops), and smaller
 * minimum impacts ($0.20 and 5 %: the sample's two accounts spend $10-300 a day) so that the bot's
 * lists hold more than a page of real events.
 */
export const JOB_SETTINGS = {
  ANOMALY_DIRECTION: 'both',
  ANOMALY_MIN_IMPACT_USD: 0.2,
  ANOMALY_MIN_IMPACT_PERCENT: 5,
  ANOMALY_MIN_HISTORY_DAYS: 28,
  ANOMALY_SCORE_DAYS: 92,
  ANOMALY_SCOPES: ['total', 'account', 'service', 'account-service', 'region', 'usage-type'],
} satisfies Partial<Config>;

const quiet = pino({ level: 'silent' });

function ensureRan(job: string, outcome: JobOutcome): JobOutcome {
  if (outcome.skipped !== undefined) throw new Error(`the ${job} job skipped: ${outcome.skipped}`);
  return outcome;
}

/** Runs the real score-anomalies job as of `now` on what cost_daily holds. */
export async function runScoring(db: Db, config: Config, now: Date): Promise<JobOutcome> {
  return ensureRan(
    'score-anomalies',
    await scoreAnomalies({ db, config: { ...config, ...JOB_SETTINGS }, log: quiet, now: () => now }, {}),
  );
}

/** Runs the real forecast-costs job (3, 6 and 12 months) on what cost_daily holds. */
export async function runForecasts(db: Db, config: Config, now: Date): Promise<JobOutcome> {
  return ensureRan('forecast-costs', await forecastCosts({ db, config, log: quiet, now: () => now }, {}));
}

/** The instance types and us-east-1 prices of the real catalog, as the prices job stores them. */
export async function loadCatalog(db: Db): Promise<void> {
  await upsertInstanceTypes(db, {
    specs: catalog.instanceTypes,
    source: 'catalog:ec2-us-east-1-2026-07.csv',
    updatedAt: new Date('2026-07-20T00:00:00Z'),
  });
  await upsertPrices(db, { prices: catalog.prices });
}

export interface RightSizeCase {
  instanceId: string;
  accountId: string;
  trace: keyof typeof TRACES;
  type: string;
}

/** Hourly avg/max/p95/p99 of 5-minute samples, as CloudWatch's hourly statistics give them. */
export function hourly(
  instanceId: string,
  metric: 'cpu' | 'mem',
  times: readonly number[],
  values: readonly (number | null)[],
): (NewMetricPoint & { ts: Date; avg: number; max: number; p95: number; p99: number })[] {
  const buckets = new Map<number, number[]>();
  times.forEach((t, i) => {
    const v = values[i];
    if (v === null || v === undefined) return;
    const h = Math.floor(t / 3_600_000) * 3_600_000;
    buckets.set(h, [...(buckets.get(h) ?? []), v]);
  });
  const rank = (s: number[], q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return [...buckets.entries()].map(([h, vs]) => {
    const s = [...vs].sort((a, b) => a - b);
    return {
      instanceId,
      metric,
      ts: new Date(h),
      periodSeconds: 3600,
      avg: vs.reduce((a, b) => a + b, 0) / vs.length,
      max: s.at(-1)!,
      p95: rank(s, 0.95),
      p99: rank(s, 0.99),
    };
  });
}

/**
 * Stores each case as a running instance with the trace's hourly CPU and memory, every trace
 * shifted by whole hours to end just before `now` (the traces are from mid-2013), as the
 * inventory and metrics jobs would have stored them.
 */
export async function loadTraces(db: Db, cases: readonly RightSizeCase[], now: Date): Promise<void> {
  await db.insert(instances).values(
    cases.map((c) => ({
      instanceId: c.instanceId,
      accountId: c.accountId,
      region: 'us-east-1',
      availabilityZone: 'us-east-1a',
      instanceType: c.type,
      state: 'running',
      architecture: spec(c.type).arch,
      lifecycle: 'on-demand',
      // As DescribeInstances reports a Linux instance: PlatformDetails and its billing code.
      platform: 'Linux/UNIX',
      usageOperation: 'RunInstances',
      rootDeviceType: 'ebs',
      hasMemoryMetric: true,
      firstSeenAt: now,
      lastSeenAt: now,
    })),
  );
  for (const c of cases) {
    const samples = reported(c.trace, c.type);
    const shift = Math.floor((now.getTime() - samples.times.at(-1)! - 300_000) / 3_600_000) * 3_600_000;
    const times = samples.times.map((t) => t + shift);
    const points = [
      ...hourly(c.instanceId, 'cpu', times, samples.cpuPercent),
      ...hourly(c.instanceId, 'mem', times, samples.memPercent ?? []),
    ];
    await db.insert(metricPoints).values(points);
  }
}

/** Runs the real rightsize job as of `now` on the stored instances, metrics and catalog. */
export async function runRightsize(db: Db, config: Config, now: Date): Promise<JobOutcome> {
  return ensureRan('rightsize', await rightsize({ db, config, log: quiet, now: () => now }, {}));
}

export async function count(db: Db, table: string): Promise<number> {
  const rows = await executeRows<{ n: string }>(db, sql.raw(`select count(*)::text as n from ${table}`));
  return Number(rows[0]?.n ?? 0);
}
