import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { listInstances } from '../../src/db/queries/instances.js';
import { jobRunsOf, latestJobRuns } from '../../src/db/queries/job-runs.js';
import { checkHealth, serverPort } from '../../src/worker/health.js';
import {
  closeQueues,
  createQueues,
  enqueueJob,
  JOB_KIND_SPECS,
  QUEUE_NAMES,
  type Queues,
} from '../../src/jobs/queues.js';
import { jobRegistry, registeredKinds } from '../../src/worker/registry.js';
import { registerSchedules, SCHEDULES } from '../../src/worker/schedules.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/worker/process.js';
import { startEc2Standin } from '../aws-standins/ec2.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import {
  RECORDED_INSTANCE_IDS,
  STANDIN_CREDENTIALS,
  recordedInventory,
  removePrefix,
  scheduleIdsOn,
  settled,
  workerEnv,
} from './helpers/worker-test-kit.js';

// One real worker (the same startWorkerProcess as `npm run start:worker`) on its own queue
// prefix and database, running the real collect-inventory job against the EC2 stand-in.
const prefix = uniquePrefix('runjob');
const fastRetry = { backoff: { type: 'fixed', delay: 200 } };
let database: TestDatabase;
let ec2: StandinServer;
let worker: WorkerProcess;
let producer: Redis;
let queues: Queues;

beforeAll(async () => {
  [database, ec2] = await Promise.all([createTestDatabase(), startEc2Standin(recordedInventory())]);
  worker = await startWorkerProcess(loadConfig('worker', workerEnv(database.url, redisUrl)), {
    prefix,
    healthPort: 0,
    shutdownTimeoutMs: 5_000,
    aws: { endpoints: { ec2: ec2.url }, credentials: STANDIN_CREDENTIALS, requestTimeoutMs: 1_000 },
  });
  producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queues = createQueues(producer, prefix);
});

afterAll(async () => {
  await worker?.close();
  if (queues) await closeQueues(queues);
  producer?.disconnect();
  await Promise.all([database?.drop(), ec2?.close(), removePrefix(redisUrl, prefix)]);
});

describe('the job processor', () => {
  it('runs a job, stores its data and records the run with its counts', async () => {
    const id = await enqueueJob(queues, 'collect-inventory', {});
    const { job, state } = await settled(queues.collect, id);

    expect(state).toBe('completed');
    expect(job.returnvalue).toEqual({
      status: 'succeeded',
      counts: { instances: 3, notFound: 0, instanceTypes: 25, scopes: 2 },
      next: [],
    });
    const rows = await listInstances(database.db, { states: ['running', 'stopped'] });
    expect(rows.map((r) => r.instanceId).sort()).toEqual(RECORDED_INSTANCE_IDS);
    const runs = await jobRunsOf(database.db, id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      job: 'collect-inventory',
      attempt: 1,
      status: 'succeeded',
      error: null,
      counts: job.returnvalue.counts,
    });
    expect(runs[0]!.finishedAt!.getTime()).toBeGreaterThanOrEqual(runs[0]!.startedAt.getTime());
  });

  it('fails a malformed payload once, with a message naming the field, and writes nothing', async () => {
    const requestsBefore = ec2.requests.length;
    const id = await enqueueJob(queues, 'collect-inventory', { regions: ['mars-north-1'], includeTypes: 'yes' });
    const { job, state } = await settled(queues.collect, id);

    expect(state).toBe('failed');
    expect(job.opts.attempts).toBe(5);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^JOB_PAYLOAD_INVALID: collect-inventory payload is invalid: /);
    expect(job.failedReason).toContain('an AWS region such as us-east-1');
    expect(job.failedReason).toContain('regions');
    expect(job.failedReason).toContain('includeTypes');
    expect(ec2.requests.length).toBe(requestsBefore);
    const runs = await jobRunsOf(database.db, id);
    expect(runs).toMatchObject([
      { attempt: 1, status: 'failed', error: job.failedReason, details: { retrying: false } },
    ]);
  });

  it('fails a job of a kind this worker does not have once, naming the kind', async () => {
    const job = await queues.collect.add('collect-everything', {}, { attempts: 3 });
    const done = await settled(queues.collect, job.id!);
    expect(done.state).toBe('failed');
    expect(done.job.attemptsMade).toBe(1);
    expect(done.job.failedReason).toContain(
      'this worker has no job kind "collect-everything"; registered kinds: collect-inventory',
    );
  });

  it('fails a missing IAM permission once, naming the action to grant', async () => {
    ec2.faults.push({ op: 'DescribeInstances', kind: 'access-denied' });
    const id = await enqueueJob(queues, 'collect-inventory', {}, { overrides: fastRetry });
    const { job, state } = await settled(queues.collect, id);

    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(
      /^AWS_PERMISSION_DENIED: AWS denied ec2:DescribeInstances: grant the IAM action "ec2:DescribeInstances"/,
    );
    expect(await jobRunsOf(database.db, id)).toMatchObject([{ status: 'failed', details: { retrying: false } }]);
  });

  it('skips a job whose settings are missing, recording why, and triggers nothing after it', async () => {
    // The worker started with DATABASE_URL, REDIS_URL and AWS_REGION only: no Athena settings.
    const id = await enqueueJob(queues, 'collect-costs', {});
    const { job, state } = await settled(queues.collect, id);

    expect(state).toBe('completed');
    expect(job.returnvalue).toEqual({
      status: 'skipped',
      counts: {},
      next: [],
      skipped: expect.stringMatching(/^ATHENA_DATABASE is not set/),
    });
    const latest = (await latestJobRuns(database.db)).find((r) => r.job === 'collect-costs');
    expect(latest).toMatchObject({ queueJobId: id, status: 'skipped', error: null });
    expect(latest!.details['skipped']).toMatch(/^ATHENA_DATABASE is not set/);
    expect(
      (await queues.analyze.getJobs(['waiting', 'delayed', 'active'])).filter((j) => j.name === 'score-anomalies'),
    ).toEqual([]);
  });

  it('retries a failure that outlasts the SDK retries, with backoff, and then succeeds', async () => {
    // Five 500s use up the SDK's five attempts on the first page; the job's second attempt is clean.
    ec2.faults.push({ op: 'DescribeInstances', kind: 'server-error', times: 5 });
    const id = await enqueueJob(queues, 'collect-inventory', {}, { overrides: fastRetry });
    const { job, state } = await settled(queues.collect, id);

    expect(state).toBe('completed');
    expect(job.attemptsMade).toBe(2);
    const runs = await jobRunsOf(database.db, id);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(runs[0]!.error).toMatch(/^AWS_REQUEST_FAILED: .*ec2:DescribeInstances failed \(HTTP 500\)/s);
    expect(runs[0]!.details).toEqual({ retrying: true });
    // Still one row per instance: the retry upserted over the first attempt's pages.
    expect(
      (await listInstances(database.db, { states: ['running', 'stopped'] })).map((r) => r.instanceId).sort(),
    ).toEqual(RECORDED_INSTANCE_IDS);
  });

  it('registers one scheduler per scheduled kind it runs, however many workers start', async () => {
    const config = loadConfig('worker', { ...workerEnv(database.url, redisUrl), SCHEDULE_INVENTORY: '30 0 1 1 *' });
    // The worker registered them at start; a second and a third process do it again, the
    // third with a changed cron, which replaces the first one's.
    await registerSchedules(queues, jobRegistry, config);
    const ids = await registerSchedules(queues, jobRegistry, config);
    const registered = SCHEDULES.filter((s) => jobRegistry[s.kind] !== undefined);
    expect(ids).toEqual(registered.map((s) => s.id));
    const all = (await Promise.all(QUEUE_NAMES.map((q) => queues[q].getJobSchedulers()))).flat();
    expect(all.map((s) => s.key).sort()).toEqual(ids.toSorted());
    for (const s of registered) {
      expect(all.find((x) => x.key === s.id)).toMatchObject({ name: s.kind, pattern: s.cron(config), tz: 'UTC' });
    }
    const delayed = (await Promise.all(QUEUE_NAMES.map((q) => queues[q].getDelayed()))).flat();
    expect(delayed.map((j) => j.repeatJobKey).sort()).toEqual(ids.toSorted());
    expect(all.find((x) => x.key === 'collect-inventory')!.pattern).toBe('30 0 1 1 *');
  });

  it('reports Redis, PostgreSQL and queue depths on GET /health', async () => {
    const res = await fetch(`http://127.0.0.1:${serverPort(worker.health)}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Awaited<ReturnType<typeof checkHealth>>;
    expect(body).toMatchObject({ status: 'ok', redis: { ok: true }, postgres: { ok: true } });
    // One worker per queue that has a registered kind.
    expect(body.workersRunning).toBe(new Set(registeredKinds(jobRegistry).map((k) => JOB_KIND_SPECS[k].queue)).size);
    expect(body.queues?.['collect']).toMatchObject({
      waiting: 0,
      active: 0,
      delayed: scheduleIdsOn('collect').length,
      failed: 3,
    });
  });
});
