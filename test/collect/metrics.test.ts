import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { fetchHourlyMetrics, type HourlyPoint } from '../../src/aws/cloudwatch-metrics.js';
import { listInstances } from '../../src/db/queries/instances.js';
import { metricCoverage, metricSeries } from '../../src/db/queries/metric-points.js';
import { collectInventory } from '../../src/worker/jobs/collect/inventory.js';
import { collectMetrics } from '../../src/worker/jobs/collect/metrics.js';
import { collectInventoryPayload, collectMetricsPayload } from '../../src/jobs/schemas/collect.js';
import { startCloudWatchStandin, type CloudWatchStandin } from '../aws-standins/cloudwatch.js';
import {
  readJsonReservations,
  readRecordedInstanceTypes,
  readRecordedReservations,
  startEc2Standin,
} from '../aws-standins/ec2.js';
import { FIXTURES, fixture } from '../aws-standins/fixtures.js';
import { readBitbrainsVm, readNabSeries, shiftSeries, type RecordedSeries } from '../support/recorded-series.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { collectContext, STANDIN_CREDENTIALS } from './collect-context.js';

/**
 * Instances come from the recorded DescribeInstances responses (run through collect-inventory);
 * their metrics are real recordings moved so the last sample falls at ANCHOR:
 *   i-78f1b94a (botocore, us-west-2): CPUUtilization = NAB ec2_cpu_utilization_5f5533,
 *     NetworkIn = NAB ec2_network_in_257a54; no NetworkOut recording and no CloudWatch agent.
 *   i-1234567890abcdef0 (AWS CLI example, us-east-2): Bitbrains VM 1 (2013-7): CPU usage %,
 *     memory used/provisioned as CWAgent mem_used_percent, network received/transmitted.
 */
const ANCHOR = Date.parse('2026-07-20T12:00:00Z');
const HOUR = 3600_000;
const NAB = 'i-78f1b94a';
const BB = 'i-1234567890abcdef0';

const nabCpu = shiftSeries(readNabSeries(FIXTURES.nabCpu), ANCHOR);
const nabNetIn = shiftSeries(readNabSeries(FIXTURES.nabNetworkIn), ANCHOR);
const vm = readBitbrainsVm(FIXTURES.bitbrainsVm);
const bb = {
  cpu: shiftSeries(vm.cpu, ANCHOR),
  mem: shiftSeries(vm.mem, ANCHOR),
  networkIn: shiftSeries(vm.networkIn, ANCHOR),
  networkOut: shiftSeries(vm.networkOut, ANCHOR),
};
const memDims = [
  { Name: 'InstanceId', Value: BB },
  { Name: 'ImageId', Value: 'ami-0abcdef1234567890' },
  { Name: 'InstanceType', Value: 't3.nano' },
];

/** The raw samples of `series` in [from, from + 1 h). */
function samplesInHour(series: RecordedSeries, from: number): number[] {
  const out: number[] = [];
  series.times.forEach((t, i) => {
    if (t >= from && t < from + HOUR) out.push(series.values[i]!);
  });
  return out;
}

describe('collect-metrics against the CloudWatch stand-in', () => {
  let database: TestDatabase;
  let ec2: StandinServer;
  let cw: CloudWatchStandin;
  // The GetMetricData call style (METRICS_CALL_STYLE=get-metric-data); metrics-daily.test.ts runs the default one.
  const env = {
    AWS_REGIONS: 'us-west-2,us-east-2',
    AWS_REGION: 'us-west-2',
    METRICS_LOOKBACK_DAYS: '1',
    METRICS_CALL_STYLE: 'get-metric-data',
  };
  const context = (now: string) =>
    collectContext({ db: database.db, env, endpoints: { ec2: ec2.url, cloudwatch: cw.url }, now: new Date(now) });

  beforeAll(async () => {
    [database, ec2, cw] = await Promise.all([
      createTestDatabase(),
      startEc2Standin({
        reservations: [
          ...readRecordedReservations(FIXTURES.describeInstancesXml),
          ...readJsonReservations(fixture('awscli_ec2_describe-instances_example1.json')),
        ],
        instanceTypes: readRecordedInstanceTypes(FIXTURES.describeInstanceTypesJson),
      }),
      startCloudWatchStandin({ pageDatapoints: 50 }),
    ]);
    cw.putMetric('AWS/EC2', 'CPUUtilization', [{ Name: 'InstanceId', Value: NAB }], nabCpu);
    cw.putMetric('AWS/EC2', 'NetworkIn', [{ Name: 'InstanceId', Value: NAB }], nabNetIn);
    cw.putMetric('AWS/EC2', 'CPUUtilization', [{ Name: 'InstanceId', Value: BB }], bb.cpu);
    cw.putMetric('AWS/EC2', 'NetworkIn', [{ Name: 'InstanceId', Value: BB }], bb.networkIn);
    cw.putMetric('AWS/EC2', 'NetworkOut', [{ Name: 'InstanceId', Value: BB }], bb.networkOut);
    cw.putMetric('CWAgent', 'mem_used_percent', memDims, bb.mem);
    const ctx = context('2026-07-20T06:20:00Z');
    await collectInventory(ctx, collectInventoryPayload.parse({ includeTypes: false }));
    ctx.aws.destroy();
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), ec2?.close(), cw?.close()]);
  });

  it('backfills the lookback through throttling and a 5xx, storing each hour once', async () => {
    cw.faults.push({ op: 'GetMetricData', kind: 'throttle' }, { op: 'GetMetricData', kind: 'server-error', after: 2 });
    const ctx = context('2026-07-20T06:20:00Z');
    const outcome = await collectMetrics(ctx, collectMetricsPayload.parse({}));
    ctx.aws.destroy();
    const faults = cw.requests.filter((r) => r.op === 'GetMetricData' && r.outcome !== 200);
    expect(faults.map((r) => r.outcome)).toEqual(['throttle', 'server-error']);

    // 1 day back from 06:20, up to the last whole hour that settled: 2026-07-19T06:00 .. 07-20T05:00.
    const from = new Date('2026-07-19T06:00:00Z');
    const to = new Date('2026-07-20T06:00:00Z');
    const coverage = await metricCoverage(database.db, {
      instanceIds: [NAB, BB],
      from: new Date(0),
      to: new Date(ANCHOR * 2),
    });
    const points = Object.fromEntries(coverage.map((c) => [`${c.instanceId}:${c.metric}`, c.points]));
    expect(points).toEqual({
      [`${NAB}:cpu`]: 24,
      [`${NAB}:network_in`]: 24,
      [`${BB}:cpu`]: 24,
      [`${BB}:network_in`]: 24,
      [`${BB}:network_out`]: 24,
      [`${BB}:mem`]: 24,
    });
    expect(outcome.counts).toMatchObject({
      instances: 2,
      withMemory: 1,
      withoutMemory: 1,
      metricsRequested: 6 + 10,
      pointsStored: 144,
    });
    // One GetMetricData call per account/region, read in pages of 50 datapoints: 120 -> 3, 240 -> 5.
    expect(outcome.counts['getMetricDataCalls']).toBe(3 + 5);
    const series = await metricSeries(database.db, { instanceId: NAB, metrics: ['cpu'], from, to });
    expect(series[0]!.ts).toEqual(from);
    expect(series.at(-1)!.ts).toEqual(new Date('2026-07-20T05:00:00Z'));
  });

  it('stores CloudWatch statistics of the real samples, memory only where the agent runs', async () => {
    const hour = Date.parse('2026-07-19T15:00:00Z');
    const [cpu] = await metricSeries(database.db, {
      instanceId: NAB,
      metrics: ['cpu'],
      from: new Date(hour),
      to: new Date(hour + HOUR),
    });
    const raw = samplesInHour(nabCpu, hour);
    expect(raw.length).toBe(12);
    expect(cpu!.avg).toBeCloseTo(raw.reduce((a, b) => a + b, 0) / raw.length, 9);
    expect(cpu!.max).toBe(Math.max(...raw));
    expect(cpu!.p95).toBeLessThanOrEqual(cpu!.p99!);
    expect(cpu!.p99).toBeLessThanOrEqual(cpu!.max!);
    const [net] = await metricSeries(database.db, {
      instanceId: BB,
      metrics: ['network_in'],
      from: new Date(hour),
      to: new Date(hour + HOUR),
    });
    expect(net).toMatchObject({ periodSeconds: 3600, max: null, p95: null, p99: null });
    expect(net!.avg).toBeCloseTo(
      samplesInHour(bb.networkIn, hour).reduce((a, b) => a + b, 0),
      6,
    );

    const flags = Object.fromEntries((await listInstances(database.db)).map((i) => [i.instanceId, i.hasMemoryMetric]));
    expect(flags).toEqual({ [NAB]: false, [BB]: true });
    const nabMem = await metricSeries(database.db, {
      instanceId: NAB,
      metrics: ['mem', 'network_out'],
      from: new Date(0),
      to: new Date(ANCHOR),
    });
    expect(nabMem).toEqual([]);
  });

  it('second run fetches only the hours newer than the stored ones', async () => {
    const before = cw.requests.length;
    const ctx = context('2026-07-20T12:20:00Z');
    const outcome = await collectMetrics(ctx, collectMetricsPayload.parse({}));
    ctx.aws.destroy();
    const calls = cw.requests.slice(before).filter((r) => r.op === 'GetMetricData');
    const starts = new Set(calls.map((r) => (r.body as { StartTime: number }).StartTime * 1000));
    const ends = new Set(calls.map((r) => (r.body as { EndTime: number }).EndTime * 1000));
    // NAB's NetworkOut was never recorded: it alone asks for the whole lookback again.
    expect([...starts].sort()).toEqual([Date.parse('2026-07-19T12:00:00Z'), Date.parse('2026-07-20T06:00:00Z')]);
    expect([...ends]).toEqual([Date.parse('2026-07-20T12:00:00Z')]);
    expect(outcome.counts).toMatchObject({ pointsStored: 36 });
    const coverage = await metricCoverage(database.db, {
      instanceIds: [NAB, BB],
      from: new Date(0),
      to: new Date(ANCHOR * 2),
    });
    expect(coverage.every((c) => c.points === 30)).toBe(true);
  });

  it('AccessDenied stops the run naming cloudwatch:GetMetricData; committed batches stay and the next run resumes', async () => {
    const client = new CloudWatchClient({
      region: 'us-west-2',
      endpoint: cw.url,
      credentials: STANDIN_CREDENTIALS,
      maxAttempts: 1,
    });
    const stored: HourlyPoint[][] = [];
    cw.faults.push({ op: 'GetMetricData', kind: 'access-denied', after: 1 });
    const requests = [NAB, BB].map((instanceId) => ({
      instanceId,
      metric: 'cpu' as const,
      start: new Date('2026-07-20T06:00:00Z'),
      dimensions: [{ Name: 'InstanceId', Value: instanceId }],
    }));
    const run = fetchHourlyMetrics(client, requests, {
      end: new Date('2026-07-20T12:00:00Z'),
      maxQueriesPerCall: 4,
      concurrency: 1,
      onBatch: async (points) => void stored.push(points),
    });
    await expect(run).rejects.toMatchObject({
      code: 'AWS_PERMISSION_DENIED',
      message: expect.stringContaining('"cloudwatch:GetMetricData"'),
    });
    client.destroy();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.map((p) => p.instanceId)).toEqual(Array(6).fill(NAB));

    // The job: denied at its first call (us-east-2, the first account/region), it stops and
    // stores nothing; the next run resumes after 11:00, the newest stored hour.
    cw.faults.push({ op: 'GetMetricData', kind: 'access-denied' });
    const ctx = context('2026-07-20T14:20:00Z');
    await expect(collectMetrics(ctx, collectMetricsPayload.parse({}))).rejects.toMatchObject({
      code: 'AWS_PERMISSION_DENIED',
    });
    const counted = async () =>
      (await metricCoverage(database.db, { instanceIds: [NAB, BB], from: new Date(0), to: new Date(ANCHOR * 2) })).map(
        (c) => c.points,
      );
    expect(await counted()).toEqual(Array(6).fill(30));
    const again = await collectMetrics(ctx, collectMetricsPayload.parse({}));
    ctx.aws.destroy();
    // The recordings end with one sample at ANCHOR (12:00): one more hour per metric, no duplicate.
    expect(again.counts).toMatchObject({ pointsStored: 6 });
    expect(await counted()).toEqual(Array(6).fill(31));
  });

  it('keeps at most 2 batches in flight by default, a batch being stored included', async () => {
    const client = new CloudWatchClient({
      region: 'us-west-2',
      endpoint: cw.url,
      credentials: STANDIN_CREDENTIALS,
      maxAttempts: 1,
    });
    // A batch is in flight from its first GetMetricData page until onBatch has stored it.
    let inFlight = 0;
    let most = 0;
    const enter = () => (most = Math.max(most, ++inFlight));
    client.middlewareStack.add(
      (next) => async (args) => {
        enter();
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'initialize', name: 'countInFlight' },
    );
    const start = new Date('2026-07-20T06:00:00Z');
    const ec2Dims = (id: string) => [{ Name: 'InstanceId', Value: id }];
    const requests = [
      { instanceId: NAB, metric: 'cpu' as const, start, dimensions: ec2Dims(NAB) },
      { instanceId: BB, metric: 'cpu' as const, start, dimensions: ec2Dims(BB) },
      { instanceId: BB, metric: 'mem' as const, start, dimensions: memDims },
      { instanceId: NAB, metric: 'network_in' as const, start, dimensions: ec2Dims(NAB) },
    ];
    const stored: HourlyPoint[][] = [];
    const stats = await fetchHourlyMetrics(client, requests, {
      end: new Date('2026-07-20T12:00:00Z'),
      // One request per batch: four batches for two lanes.
      maxQueriesPerCall: 4,
      onBatch: async (points) => {
        enter();
        // Storing takes a while, as a database write does; the other lane keeps fetching meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 50));
        stored.push(points);
        inFlight--;
      },
    });
    client.destroy();
    expect(stats.batches).toBe(4);
    expect(most).toBe(2);
    // Six hours (06:00 .. 11:00) of each of the four metrics, each batch stored whole.
    expect(stored.map((points) => points.length)).toEqual([6, 6, 6, 6]);
  });
});
