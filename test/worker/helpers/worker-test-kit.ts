import type { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_KIND_SPECS, type QueueName } from '../../../src/jobs/queues.js';
import { jobRegistry } from '../../../src/worker/registry.js';
import { SCHEDULES } from '../../../src/worker/schedules.js';
import {
  readJsonReservations,
  readRecordedInstanceTypes,
  readRecordedReservations,
  type Ec2StandinData,
} from '../../aws-standins/ec2.js';
import { FIXTURES, fixture } from '../../aws-standins/fixtures.js';

/**
 * Real recorded EC2 answers for the collect-inventory job the worker tests run: the botocore
 * DescribeInstances response (2 reservations) and the AWS CLI's documented example (1), one
 * instance per page so a run spans several requests, and 25 recorded instance types.
 */
export function recordedInventory(): Ec2StandinData {
  return {
    reservations: [
      ...readRecordedReservations(FIXTURES.describeInstancesXml),
      ...readJsonReservations(fixture('awscli_ec2_describe-instances_example1.json')),
    ],
    instanceTypes: readRecordedInstanceTypes(FIXTURES.describeInstanceTypesJson),
    pageSize: 1,
    typesPageSize: 10,
  };
}

/** The instance ids in those recordings. */
export const RECORDED_INSTANCE_IDS = ['i-1234567890abcdef0', 'i-78f1b94a', 'i-fde9cece'];

/** Credentials the stand-ins accept (nothing is verified). */
export const STANDIN_CREDENTIALS = { accessKeyId: 'AKIDSTANDINDEFAULT', secretAccessKey: 'standin-secret' };

/** Schedules that cannot fire during a test run (00:00 on 1 January), so only the test's own jobs run. */
export const QUIET_SCHEDULES = Object.fromEntries(
  ['INVENTORY', 'METRICS', 'COSTS', 'PRICES', 'TRAINING', 'RIGHTSIZING', 'FORECASTS'].map((s) => [
    `SCHEDULE_${s}`,
    '0 0 1 1 *',
  ]),
);

/**
 * The settings a worker starts with: the required ones, the two regions of the recorded
 * instances (botocore's are in us-west-2, the CLI example's in us-east-2), quiet schedules and log,
 * and no first-start chain.
 */
export function workerEnv(databaseUrl: string, redisUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    AWS_REGION: 'us-west-2',
    AWS_REGIONS: 'us-west-2,us-east-2',
    LOG_LEVEL: 'silent',
    // Only the test's own jobs run: no first-start chain on the test's empty database.
    BOOTSTRAP_ON_START: 'false',
    ...QUIET_SCHEDULES,
  };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the job is completed or failed for good, and returns it as it was then. */
export async function settled(queue: Queue, jobId: string, timeoutMs?: number): Promise<{ job: Job; state: string }> {
  return waitFor(
    `job ${jobId} to finish`,
    async () => {
      const state = await queue.getJobState(jobId);
      if (state !== 'completed' && state !== 'failed') return undefined;
      const job = await queue.getJob(jobId);
      return job ? { job, state } : undefined;
    },
    timeoutMs,
  );
}

/** Deletes every key under a test's queue prefix from the shared Redis. */
export async function removePrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The ids of the schedules the worker registers on `queue` (those of its registered kinds). */
export function scheduleIdsOn(queue: QueueName): string[] {
  return SCHEDULES.filter((s) => jobRegistry[s.kind] !== undefined && JOB_KIND_SPECS[s.kind].queue === queue)
    .map((s) => s.id)
    .sort();
}
