import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { jobRunsOf } from '../../src/db/queries/job-runs.js';
import { collectMetrics } from '../../src/worker/jobs/collect/metrics.js';
import { partJobId, splitRunningInstances } from '../../src/worker/fan-out.js';
import { closeQueues, createQueues, enqueueJob, type Queues } from '../../src/jobs/queues.js';
import { defineJob, jobRegistry, type JobRegistry } from '../../src/worker/registry.js';
import { collectMetricsPayload } from '../../src/jobs/schemas/collect.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/worker/process.js';
import { startCloudWatchStandin, type CloudWatchStandin } from '../aws-standins/cloudwatch.js';
import { startEc2Standin } from '../aws-standins/ec2.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import { readBitbrainsVm, readNabSeries, shiftSeries } from '../support/recorded-series.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { STANDIN_CREDENTIALS, recordedInventory, removePrefix, settled, workerEnv } from './helpers/worker-test-kit.js';

// The real collect-metrics job split one running instance per part (production splits per
// 1,000), against real recordings served by the CloudWatch stand-in: i-78f1b94a (us-west-2)
// has NAB's CPU and NetworkIn, i-1234567890abcdef0 (us-east-2) Bitbrains VM 1's CPU, network
// and memory. The recordings end at the last whole hour, so a 1-day lookback finds a day of hours.
const NAB = 'i-78f1b94a';
const BB = 'i-1234567890abcdef0';
const registry: JobRegistry = {
  'collect-inventory': jobRegistry['collect-inventory'],
  'collect-metrics': defineJob(collectMetricsPayload, collectMetrics, { split: splitRunningInstances(1) }),
};
const prefix = uniquePrefix('fanout');
let database: TestDatabase;
let ec2: StandinServer;
let cw: CloudWatchStandin;
let worker: WorkerProcess;
let producer: Redis;
let queues: Queues;

function serveRecordings(standin: CloudWatchStandin): void {
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
  const vm = readBitbrainsVm(FIXTURES.bitbrainsVm);
  standin.putMetric(
    'AWS/EC2',
    'CPUUtilization',
    [{ Name: 'InstanceId', Value: NAB }],
    shiftSeries(readNabSeries(FIXTURES.nabCpu), end),
  );
  standin.putMetric(
    'AWS/EC2',
    'NetworkIn',
    [{ Name: 'InstanceId', Value: NAB }],
    shiftSeries(readNabSeries(FIXTURES.nabNetworkIn), end),
  );
  standin.putMetric('AWS/EC2', 'CPUUtilization', [{ Name: 'InstanceId', Value: BB }], shiftSeries(vm.cpu, end));
  standin.putMetric('AWS/EC2', 'NetworkIn', [{ Name: 'InstanceId', Value: BB }], shiftSeries(vm.networkIn, end));
  standin.putMetric('AWS/EC2', 'NetworkOut', [{ Name: 'InstanceId', Value: BB }], shiftSeries(vm.networkOut, end));
  standin.putMetric('CWAgent', 'mem_used_percent', [{ Name: 'InstanceId', Value: BB }], shiftSeries(vm.mem, end));
}

beforeAll(async () => {
  [database, ec2, cw] = await Promise.all([
    createTestDatabase(),
    startEc2Standin(recordedInventory()),
    startCloudWatchStandin(),
  ]);
  serveRecordings(cw);
  worker = await startWorkerProcess(
    loadConfig('worker', { ...workerEnv(database.url, redisUrl), METRICS_LOOKBACK_DAYS: '1' }),
    {
      prefix,
      registry,
      healthPort: 0,
      shutdownTimeoutMs: 5_000,
      aws: {
        endpoints: { ec2: ec2.url, cloudwatch: cw.url },
        credentials: STANDIN_CREDENTIALS,
        requestTimeoutMs: 2_000,
      },
    },
  );
  producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queues = createQueues(producer, prefix);
  const inventory = await enqueueJob(queues, 'collect-inventory', {});
  expect((await settled(queues.collect, inventory)).state).toBe('completed');
});

afterAll(async () => {
  await worker?.close();
  if (queues) await closeQueues(queues);
  producer?.disconnect();
  await Promise.all([database?.drop(), ec2?.close(), cw?.close(), removePrefix(redisUrl, prefix)]);
});

const storedPoints = async () => {
  const rows = (await database.db.execute(
    'select instance_id, count(*)::int as n from metric_points group by 1 order by 1',
  )) as unknown as { instance_id: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.instance_id, r.n]));
};

describe('a run split into parts', () => {
  it('runs each part as its own job, then finishes the run with the parts summed', async () => {
    const id = await enqueueJob(queues, 'collect-metrics', {});
    const { job, state } = await settled(queues.collect, id, 30_000);

    expect(state).toBe('completed');
    // Two running instances (i-fde9cece is stopped), one per part.
    const partIds = [partJobId('collect-metrics', id, 0), partJobId('collect-metrics', id, 1)];
    const parts = await Promise.all(partIds.map((p) => queues.collect.getJob(p)));
    expect(
      parts
        .map((p) => p?.data.instanceIds)
        .flat()
        .sort(),
    ).toEqual([BB, NAB]);
    expect(parts.every((p) => p?.returnvalue.status === 'succeeded')).toBe(true);
    // A day of hours (23 in the first quarter of an hour, when the newest hour has not settled)
    // of cpu + network_in for NAB; cpu, network_in/out and memory for the Bitbrains VM.
    const points = await storedPoints();
    const hours = points[NAB]! / 2;
    expect([23, 24]).toContain(hours);
    expect(points).toEqual({ [BB]: 4 * hours, [NAB]: 2 * hours });
    expect(job.returnvalue.counts).toMatchObject({
      parts: 2,
      instances: 2,
      withMemory: 1,
      withoutMemory: 1,
      pointsStored: 6 * hours,
    });

    const runs = await jobRunsOf(database.db, id);
    expect(runs.map((r) => [r.attempt, r.status, r.counts])).toEqual([
      [1, 'succeeded', { parts: 2 }],
      [2, 'succeeded', job.returnvalue.counts],
    ]);
    for (const p of partIds)
      expect(await jobRunsOf(database.db, p)).toMatchObject([{ job: 'collect-metrics', status: 'succeeded' }]);
  });

  it('fails the run when a part fails for good, and runs nothing after it', async () => {
    cw.faults.push({ op: 'GetMetricStatistics', kind: 'access-denied' });
    const id = await enqueueJob(queues, 'collect-metrics', { lookbackDays: 2 });
    const { job, state } = await settled(queues.collect, id, 30_000);

    expect(state).toBe('failed');
    expect(job.failedReason).toMatch(/child .*collect-metrics\.part-\d\.of\./);
    const failedParts = await queues.collect.getFailed();
    expect(failedParts.filter((p) => p.parent?.id === id).map((p) => p.failedReason)).toEqual([
      expect.stringMatching(/^AWS_PERMISSION_DENIED: .*cloudwatch:GetMetricStatistics/),
    ]);
  });
});
