import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { AWS_PRICES, awsCostOf } from '../../src/cost/aws-usage.js';
import { instances, metricPoints } from '../../src/db/schema/index.js';
import { collectInventory } from '../../src/worker/jobs/collect/inventory.js';
import { collectMetrics } from '../../src/worker/jobs/collect/metrics.js';
import { collectInventoryPayload, collectMetricsPayload } from '../../src/jobs/schemas/collect.js';
import { loadConfig } from '../../src/config.js';
import { startCloudWatchStandin, type CloudWatchStandin } from '../aws-standins/cloudwatch.js';
import { readJsonReservations, readRecordedReservations, startEc2Standin } from '../aws-standins/ec2.js';
import { FIXTURES, fixture } from '../aws-standins/fixtures.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { readBitbrainsVm, readNabSeries, shiftSeries, type RecordedSeries } from '../support/recorded-series.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { collectContext } from './collect-context.js';

/**
 * The default metrics collection: once a day after the day closes, GetMetricStatistics per
 * metric and kind of statistic. Same recorded instances and series as metrics.test.ts (real
 * NAB and Bitbrains recordings ending at ANCHOR): i-78f1b94a (us-west-2: CPU, NetworkIn) and
 * i-1234567890abcdef0 (us-east-2: CPU, NetworkIn/Out, CWAgent memory).
 */
const ANCHOR = Date.parse('2026-07-20T12:00:00Z');
const HOUR = 3600_000;
const NAB = 'i-78f1b94a';
const BB = 'i-1234567890abcdef0';
const DAY_START = Date.parse('2026-07-19T00:00:00Z');
const DAY_END = DAY_START + 24 * HOUR;

const vm = readBitbrainsVm(FIXTURES.bitbrainsVm);
const SERIES: [string, string, { Name: string; Value: string }[], RecordedSeries][] = [
  ['AWS/EC2', 'CPUUtilization', [{ Name: 'InstanceId', Value: NAB }], readNabSeries(FIXTURES.nabCpu)],
  ['AWS/EC2', 'NetworkIn', [{ Name: 'InstanceId', Value: NAB }], readNabSeries(FIXTURES.nabNetworkIn)],
  ['AWS/EC2', 'CPUUtilization', [{ Name: 'InstanceId', Value: BB }], vm.cpu],
  ['AWS/EC2', 'NetworkIn', [{ Name: 'InstanceId', Value: BB }], vm.networkIn],
  ['AWS/EC2', 'NetworkOut', [{ Name: 'InstanceId', Value: BB }], vm.networkOut],
  ['CWAgent', 'mem_used_percent', [{ Name: 'InstanceId', Value: BB }], vm.mem],
];

const env = (style: string) => ({
  AWS_REGIONS: 'us-west-2,us-east-2',
  AWS_REGION: 'us-west-2',
  METRICS_LOOKBACK_DAYS: '1',
  METRICS_CALL_STYLE: style,
});

describe('daily metrics collection (the default schedule and call style)', () => {
  let ec2: StandinServer;
  let cw: CloudWatchStandin;
  const databases: TestDatabase[] = [];

  /** A database with the recorded inventory in it. */
  async function inventoried(): Promise<TestDatabase> {
    const database = await createTestDatabase();
    databases.push(database);
    const ctx = collectContext({
      db: database.db,
      env: env('get-metric-statistics'),
      endpoints: { ec2: ec2.url, cloudwatch: cw.url },
      now: new Date('2026-07-18T00:20:00Z'),
    });
    await collectInventory(ctx, collectInventoryPayload.parse({ includeTypes: false }));
    ctx.aws.destroy();
    return database;
  }

  async function run(database: TestDatabase, style: string, now: string) {
    const ctx = collectContext({
      db: database.db,
      env: env(style),
      endpoints: { ec2: ec2.url, cloudwatch: cw.url },
      now: new Date(now),
    });
    try {
      const outcome = await collectMetrics(ctx, collectMetricsPayload.parse({}));
      return { outcome, usage: ctx.usage };
    } finally {
      ctx.aws.destroy();
    }
  }

  const rowsOfDay = (database: TestDatabase) =>
    database.db
      .select()
      .from(metricPoints)
      .where(and(gte(metricPoints.ts, new Date(DAY_START)), lt(metricPoints.ts, new Date(DAY_END))))
      .orderBy(asc(metricPoints.instanceId), asc(metricPoints.metric), asc(metricPoints.ts));

  beforeAll(async () => {
    [ec2, cw] = await Promise.all([
      startEc2Standin({
        reservations: [
          ...readRecordedReservations(FIXTURES.describeInstancesXml),
          ...readJsonReservations(fixture('awscli_ec2_describe-instances_example1.json')),
        ],
        instanceTypes: [],
      }),
      startCloudWatchStandin(),
    ]);
    for (const [ns, name, dims, series] of SERIES) cw.putMetric(ns, name, dims, shiftSeries(series, ANCHOR));
  });
  afterAll(async () => {
    await Promise.all([...databases.map((d) => d.drop()), ec2?.close(), cw?.close()]);
  });

  it('runs once a day by default, fetching with GetMetricStatistics', () => {
    const config = loadConfig('migrate', { DATABASE_URL: 'postgres://unused@127.0.0.1/unused' });
    expect(config.SCHEDULE_METRICS).toBe('30 0 * * *');
    expect(config.METRICS_CALL_STYLE).toBe('get-metric-statistics');
  });

  it('stores every hourly point of the closed day in one call per metric and kind, the points 24 hourly runs store', async () => {
    const daily = await inventoried();
    await run(daily, 'get-metric-statistics', '2026-07-19T00:30:00Z');
    const before = cw.requests.length;
    const { outcome, usage } = await run(daily, 'get-metric-statistics', '2026-07-20T00:30:00Z');
    const calls = cw.requests.slice(before);

    // NAB: CPU (Average+Maximum, p95+p99), NetworkIn, NetworkOut; BB: the same plus memory (2 calls).
    const stats = calls.filter((r) => r.op === 'GetMetricStatistics');
    expect(stats).toHaveLength(4 + 6);
    for (const r of stats) {
      const body = r.body as { StartTime: number; EndTime: number; Period: number };
      expect([body.StartTime * 1000, body.EndTime * 1000, body.Period]).toEqual([DAY_START, DAY_END, 3600]);
    }
    expect(calls.filter((r) => r.op === 'GetMetricData')).toHaveLength(0);
    // ListMetrics finds the CloudWatch agent's memory metric once per region.
    expect(usage.counts).toMatchObject({
      getMetricStatisticsRequests: 10,
      listMetricsRequests: 2,
      cloudwatchMetricsRequested: 0,
    });
    expect(awsCostOf(usage.counts).cloudwatchUsd).toBeCloseTo(12 * AWS_PRICES.cloudwatchPerRequest, 12);
    // NAB NetworkOut was never recorded: 2 + 4 metrics x 24 hours.
    expect(outcome.counts).toMatchObject({ pointsStored: 6 * 24, getMetricStatisticsRequests: 10 });

    const dayRows = await rowsOfDay(daily);
    const perMetric = new Map<string, number>();
    for (const r of dayRows)
      perMetric.set(`${r.instanceId}:${r.metric}`, (perMetric.get(`${r.instanceId}:${r.metric}`) ?? 0) + 1);
    expect(Object.fromEntries(perMetric)).toEqual({
      [`${NAB}:cpu`]: 24,
      [`${NAB}:network_in`]: 24,
      [`${BB}:cpu`]: 24,
      [`${BB}:mem`]: 24,
      [`${BB}:network_in`]: 24,
      [`${BB}:network_out`]: 24,
    });

    // The hourly schedule with GetMetricData: the same day, one run at :30 past each hour.
    const hourly = await inventoried();
    await run(hourly, 'get-metric-data', '2026-07-19T00:30:00Z');
    let metricsRequested = 0;
    for (let h = 1; h <= 24; h++) {
      const at = new Date(DAY_START + h * HOUR + 30 * 60_000).toISOString();
      metricsRequested += (await run(hourly, 'get-metric-data', at)).usage.counts.cloudwatchMetricsRequested;
    }
    // Every hour, every metric x statistic is billed again: 16 series x 24 runs.
    expect(metricsRequested).toBe(16 * 24);
    expect(await rowsOfDay(hourly)).toEqual(dayRows);
  });

  it('an interrupted daily run resumes with the metrics it had not stored, without gaps or duplicates', async () => {
    const database = await inventoried();
    await run(database, 'get-metric-statistics', '2026-07-19T00:30:00Z');
    // us-east-2 (BB) runs first: its 6 calls are answered, then NAB's first call is denied.
    cw.faults.push({ op: 'GetMetricStatistics', kind: 'access-denied', after: 6 });
    const ctx = collectContext({
      db: database.db,
      env: env('get-metric-statistics'),
      endpoints: { ec2: ec2.url, cloudwatch: cw.url },
      now: new Date('2026-07-20T00:30:00Z'),
    });
    await expect(collectMetrics(ctx, collectMetricsPayload.parse({}))).rejects.toMatchObject({
      code: 'AWS_PERMISSION_DENIED',
      message: expect.stringContaining('cloudwatch:GetMetricStatistics'),
    });
    ctx.aws.destroy();
    // The calls answered before the denial were paid for and are counted.
    expect(ctx.usage.counts.getMetricStatisticsRequests).toBeGreaterThanOrEqual(6);
    const stored = await rowsOfDay(database);
    expect(new Set(stored.map((r) => r.instanceId))).toEqual(new Set([BB]));
    expect(stored).toHaveLength(4 * 24);

    // The retry asks only for NAB's metrics (BB's start at the day's end), and completes the day.
    const before = cw.requests.length;
    const { outcome, usage } = await run(database, 'get-metric-statistics', '2026-07-20T00:50:00Z');
    const asked = cw.requests
      .slice(before)
      .filter((r) => r.op === 'GetMetricStatistics')
      .map((r) => (r.body as { Dimensions: { Value: string }[] }).Dimensions[0]!.Value);
    expect(new Set(asked)).toEqual(new Set([NAB]));
    expect(usage.counts.getMetricStatisticsRequests).toBe(4);
    expect(outcome.counts['pointsStored']).toBe(2 * 24);
    const after = await rowsOfDay(database);
    expect(after).toHaveLength(6 * 24);
    const keys = after.map((r) => `${r.instanceId}|${r.metric}|${r.ts.getTime()}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const metric of ['cpu', 'network_in'] as const) {
      const hours = after.filter((r) => r.instanceId === NAB && r.metric === metric).map((r) => r.ts.getTime());
      expect(hours).toEqual(Array.from({ length: 24 }, (_, h) => DAY_START + h * HOUR));
    }
  });

  it('still collects the day of an instance that stopped during it, and stops asking two days later', async () => {
    const database = await inventoried();
    await run(database, 'get-metric-statistics', '2026-07-19T00:30:00Z');
    // The inventory saw BB stopped during 19 July: the daily run still fetches its hours of the day.
    await database.db.update(instances).set({ state: 'stopped' }).where(eq(instances.instanceId, BB));
    const asked = async (now: string) => {
      const before = cw.requests.length;
      await run(database, 'get-metric-statistics', now);
      return new Set(
        cw.requests
          .slice(before)
          .filter((r) => r.op === 'GetMetricStatistics')
          .map((r) => (r.body as { Dimensions: { Value: string }[] }).Dimensions[0]!.Value),
      );
    };
    expect(await asked('2026-07-20T00:30:00Z')).toEqual(new Set([NAB, BB]));
    const bb = (await rowsOfDay(database)).filter((r) => r.instanceId === BB);
    expect(bb).toHaveLength(4 * 24);
    // Its newest point (19 July 23:00) is over two days old on 22 July: no more calls for it.
    expect(await asked('2026-07-22T00:30:00Z')).toEqual(new Set([NAB]));
  });
});
