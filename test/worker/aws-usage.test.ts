import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusEndpoint } from '../../src/api/status.js';
import { statusPage } from '../../src/bot/pages/status.js';
import { loadConfig } from '../../src/config.js';
import { AWS_PRICES, type AwsUsage } from '../../src/cost/aws-usage.js';
import { floorToHour, utcMonth } from '../../src/days.js';
import { jobRunsOf } from '../../src/db/queries/job-runs.js';
import { jobRuns, metricPoints } from '../../src/db/schema/index.js';
import { closeQueues, createQueues, enqueueJob, type Queues } from '../../src/jobs/queues.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/worker/process.js';
import { startCloudWatchStandin, type CloudWatchStandin } from '../aws-standins/cloudwatch.js';
import { startEc2Standin } from '../aws-standins/ec2.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { schemaErrors } from '../api/openapi.js';
import { textOf } from '../bot/helpers/bot-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { readBitbrainsVm, readNabSeries, shiftSeries } from '../support/recorded-series.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { recordedInventory, removePrefix, settled, STANDIN_CREDENTIALS, workerEnv } from './helpers/worker-test-kit.js';

// costbot's own AWS bill from the calls it made: a real worker runs the real collect-metrics job
// against the CloudWatch stand-in (real NAB and Bitbrains recordings ending at the current hour);
// what it stores per attempt must match the calls the stand-in served, and /cost status and
// GET /api/ml/status must add them up.
const prefix = uniquePrefix('awsusage');
const NAB = 'i-78f1b94a';
const BB = 'i-1234567890abcdef0';
let database: TestDatabase;
let ec2: StandinServer;
let cw: CloudWatchStandin;
let worker: WorkerProcess;
let producer: Redis;
let queues: Queues;

beforeAll(async () => {
  [database, ec2, cw] = await Promise.all([
    createTestDatabase(),
    startEc2Standin(recordedInventory()),
    startCloudWatchStandin(),
  ]);
  const end = floorToHour(new Date()).getTime();
  const vm = readBitbrainsVm(FIXTURES.bitbrainsVm);
  const ec2Dims = (id: string) => [{ Name: 'InstanceId', Value: id }];
  cw.putMetric('AWS/EC2', 'CPUUtilization', ec2Dims(NAB), shiftSeries(readNabSeries(FIXTURES.nabCpu), end));
  cw.putMetric('AWS/EC2', 'NetworkIn', ec2Dims(NAB), shiftSeries(readNabSeries(FIXTURES.nabNetworkIn), end));
  cw.putMetric('AWS/EC2', 'CPUUtilization', ec2Dims(BB), shiftSeries(vm.cpu, end));
  cw.putMetric('CWAgent', 'mem_used_percent', ec2Dims(BB), shiftSeries(vm.mem, end));
  const env = { ...workerEnv(database.url, redisUrl), METRICS_LOOKBACK_DAYS: '1' };
  worker = await startWorkerProcess(loadConfig('worker', env), {
    prefix,
    healthPort: 0,
    shutdownTimeoutMs: 5_000,
    aws: {
      endpoints: { ec2: ec2.url, cloudwatch: cw.url },
      credentials: STANDIN_CREDENTIALS,
      requestTimeoutMs: 2_000,
    },
  });
  producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queues = createQueues(producer, prefix);
  const id = await enqueueJob(queues, 'collect-inventory', {});
  expect((await settled(queues.collect, id)).state).toBe('completed');
});

afterAll(async () => {
  await worker?.close();
  if (queues) await closeQueues(queues);
  producer?.disconnect();
  await Promise.all([database?.drop(), ec2?.close(), cw?.close(), removePrefix(redisUrl, prefix)]);
});

const usageOf = async (id: string) => (await jobRunsOf(database.db, id)).map((r) => r.details['awsUsage'] as AwsUsage);

describe("costbot's own AWS bill", () => {
  it('stores the paid calls of each attempt, succeeded or failed, as the stand-in served them', async () => {
    const before = cw.requests.length;
    const id = await enqueueJob(queues, 'collect-metrics', {});
    expect((await settled(queues.collect, id, 30_000)).state).toBe('completed');
    const served = (op: string) => cw.requests.slice(before).filter((r) => r.op === op && r.outcome === 200).length;
    const [usage] = await usageOf(id);
    // Two running instances in two regions: NAB CPU (2 calls), NetworkIn, NetworkOut; BB the same and memory (2).
    expect(served('GetMetricStatistics')).toBe(4 + 6);
    expect(usage).toMatchObject({
      getMetricStatisticsRequests: served('GetMetricStatistics'),
      listMetricsRequests: served('ListMetrics'),
      cloudwatchMetricsRequested: 0,
      athenaQueries: 0,
      s3GetRequests: 0,
    });
    expect(usage!.cloudwatchUsd).toBeCloseTo((4 + 6 + served('ListMetrics')) * AWS_PRICES.cloudwatchPerRequest, 12);
    expect(usage!.totalUsd).toBe(usage!.cloudwatchUsd);

    // A run denied half-way fails for good, and the calls it made before are still on its row.
    // (The stored points are dropped so that it asks for every metric again.)
    await database.db.delete(metricPoints);
    cw.faults.push({ op: 'GetMetricStatistics', kind: 'access-denied', after: 6 });
    const denied = await enqueueJob(queues, 'collect-metrics', {});
    expect((await settled(queues.collect, denied, 30_000)).state).toBe('failed');
    const [failed] = await jobRunsOf(database.db, denied);
    expect(failed!.status).toBe('failed');
    expect((failed!.details['awsUsage'] as AwsUsage).getMetricStatisticsRequests).toBeGreaterThanOrEqual(6);
  });

  it('adds up the month in GET /api/ml/status and /cost status', async () => {
    const month = utcMonth(new Date());
    const { status, body } = await statusEndpoint.handle(database.db, { month: month.name });
    expect(status).toBe(200);
    expect(schemaErrors('/api/ml/status', 200, body)).toEqual([]);
    const { awsCost } = body as { awsCost: { runs: number; total: AwsUsage; byJob: Record<string, AwsUsage> } };
    const runs = (await database.db.select({ details: jobRuns.details }).from(jobRuns))
      .filter((r) => r.details['awsUsage'] !== undefined)
      .map((r) => ({ usage: r.details['awsUsage'] as AwsUsage }));
    expect(awsCost.runs).toBe(runs.length);
    expect(awsCost.runs).toBe(2);
    const requests = runs.reduce((n, r) => n + r.usage.getMetricStatisticsRequests, 0);
    expect(awsCost.total.getMetricStatisticsRequests).toBe(requests);
    expect(awsCost.total.totalUsd).toBeCloseTo(
      runs.reduce((n, r) => n + r.usage.totalUsd, 0),
      12,
    );
    expect(Object.keys(awsCost.byJob)).toEqual(['collect-metrics']);
    // Nothing recorded in another month.
    const other = await statusEndpoint.handle(database.db, { month: '2020-01' });
    expect((other.body as { awsCost: { runs: number } }).awsCost.runs).toBe(0);

    const config = loadConfig('worker', workerEnv(database.url, redisUrl));
    const text = textOf((await statusPage({ db: database.db, config, now: () => new Date() })).blocks);
    expect(text).toContain(`*costbot's own AWS cost, ${month.name} so far*: *$0.0`);
    expect(text).toContain(`from the calls of 2 runs`);
    expect(text).toMatch(
      new RegExp(
        `CloudWatch \\$0\\.0\\d+ \\(0 GetMetricData metrics, ${requests + 4} GetMetricStatistics/ListMetrics requests\\)`,
      ),
    );
    expect(text).toContain('By job: collect-metrics $0.0');
  });
});
