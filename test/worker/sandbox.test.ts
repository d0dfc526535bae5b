import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInstances } from '../../src/db/queries/instances.js';
import { jobRunsOf } from '../../src/db/queries/job-runs.js';
import { closeQueues, createQueues, enqueueJob, type Queues } from '../../src/jobs/queues.js';
import { startEc2Standin } from '../aws-standins/ec2.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { redisUrl, uniquePrefix } from '../helpers/redis.js';
import { spawnWorker, type WorkerChild } from './helpers/worker-children.js';
import { RECORDED_INSTANCE_IDS, STANDIN_CREDENTIALS, recordedInventory, removePrefix, settled, workerEnv } from './helpers/worker-test-kit.js';

// The CPU-heavy queue runs its jobs in a child process BullMQ forks from the worker. Here the
// collect queue is sandboxed instead, so the real collect-inventory job can show that the
// child runs the same processor: same data, same job_runs, same unrecoverable failures.
const prefix = uniquePrefix('sandbox');
let database: TestDatabase;
let ec2: StandinServer;
let worker: WorkerChild;
let producer: Redis;
let queues: Queues;

beforeAll(async () => {
  [database, ec2] = await Promise.all([createTestDatabase(), startEc2Standin(recordedInventory())]);
  // The sandboxed child builds its own AWS clients from the environment, as in production
  // (the SDK reads AWS_ENDPOINT_URL_<SERVICE> and the credential variables itself).
  const env = {
    ...workerEnv(database.url, redisUrl),
    AWS_ENDPOINT_URL_EC2: ec2.url,
    AWS_ACCESS_KEY_ID: STANDIN_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: STANDIN_CREDENTIALS.secretAccessKey,
  };
  worker = await spawnWorker({ prefix, sandboxed: ['collect'] }, env);
  producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queues = createQueues(producer, prefix);
});

afterAll(async () => {
  if (worker && worker.process.exitCode === null) {
    worker.process.kill('SIGTERM');
    await worker.exited;
  }
  if (queues) await closeQueues(queues);
  producer?.disconnect();
  await Promise.all([database?.drop(), ec2?.close(), removePrefix(redisUrl, prefix)]);
});

describe('a sandboxed queue', () => {
  it('runs the job in a child process of the worker, with the same data and job_runs', async () => {
    const id = await enqueueJob(queues, 'collect-inventory', {});
    const { job, state } = await settled(queues.collect, id, 30_000);

    expect(state).toBe('completed');
    expect(job.returnvalue).toMatchObject({ status: 'succeeded', counts: { instances: 3, instanceTypes: 25 } });
    expect((await listInstances(database.db, { states: ['running', 'stopped'] })).map((r) => r.instanceId).sort()).toEqual(RECORDED_INSTANCE_IDS);
    expect(await jobRunsOf(database.db, id)).toMatchObject([{ attempt: 1, status: 'succeeded', counts: job.returnvalue.counts }]);
    // The job ran in a process forked by the worker, which BullMQ keeps for the next job.
    const { stdout } = await promisify(execFile)('ps', ['-o', 'pid=', '--ppid', String(worker.process.pid)]);
    expect(stdout.trim().split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('fails a malformed payload once: the unrecoverable error keeps its name across the process boundary', async () => {
    const id = await enqueueJob(queues, 'collect-inventory', { regions: 'us-west-2' });
    const { job, state } = await settled(queues.collect, id, 30_000);

    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^JOB_PAYLOAD_INVALID: collect-inventory payload is invalid: .*regions/);
    expect(await jobRunsOf(database.db, id)).toMatchObject([{ status: 'failed', error: job.failedReason }]);
  });
});
