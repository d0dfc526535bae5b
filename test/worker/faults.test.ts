import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { listInstances } from '../../src/db/queries/instances.js';
import { jobRunsOf } from '../../src/db/queries/job-runs.js';
import { serverPort } from '../../src/worker/health.js';
import { closeQueues, createQueues, enqueueJob, type Queues } from '../../src/jobs/queues.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/worker/process.js';
import { startEc2Standin } from '../aws-standins/ec2.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { adminUrl, createTestDatabase, type TestDatabase } from '../support/database.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { startOwnRedisServer, type OwnRedisServer } from './helpers/redis-server.js';
import { spawnWorker, type WorkerChild } from './helpers/worker-children.js';
import {
  RECORDED_INSTANCE_IDS,
  STANDIN_CREDENTIALS,
  recordedInventory,
  removePrefix,
  scheduleIdsOn,
  settled,
  waitFor,
  workerEnv,
} from './helpers/worker-test-kit.js';

// Faults hit a real collect-inventory job mid-run: it stores DescribeInstances page by page
// (one recorded instance per page), so "mid-run" is while the stand-in holds page 2 unanswered.
const HOLD_PAGE_2 = { op: 'DescribeInstances', kind: 'timeout', after: 1 } as const;
// Short locks so a dead worker's job is taken over in seconds, not BullMQ's default 30 s.
const FAST_STALL = { collect: { lockDuration: 2_000, stalledInterval: 1_000 } };

let database: TestDatabase;
let ec2: StandinServer;

beforeAll(async () => {
  [database, ec2] = await Promise.all([createTestDatabase(), startEc2Standin(recordedInventory())]);
});

afterAll(async () => {
  await Promise.all([database?.drop(), ec2?.close()]);
});

afterEach(async () => {
  ec2.faults.length = 0;
  await database.db.execute('truncate instances, instance_types, job_runs');
});

const storedIds = async () =>
  (await listInstances(database.db, { states: ['running', 'stopped'] })).map((r) => r.instanceId).sort();
const page2Held = () =>
  waitFor('page 2 to be held', async () => (ec2.requests.some((r) => r.outcome === 'timeout') ? true : undefined));

describe('a worker killed with SIGKILL mid-job', () => {
  const prefix = uniquePrefix('sigkill');
  const children: WorkerChild[] = [];
  afterAll(async () => {
    for (const c of children)
      if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await removePrefix(redisUrl, prefix);
  });

  it('leaves the job to another worker, which completes it without duplicate rows', async () => {
    const env = workerEnv(database.url, redisUrl);
    const spec = {
      prefix,
      settings: FAST_STALL,
      endpoints: { ec2: ec2.url },
      credentials: STANDIN_CREDENTIALS,
      requestTimeoutMs: 20_000,
    };
    const first = await spawnWorker(spec, env);
    children.push(first);
    ec2.requests.length = 0;
    ec2.faults.push({ ...HOLD_PAGE_2 });
    const producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queues = createQueues(producer, prefix);
    try {
      const id = await enqueueJob(queues, 'collect-inventory', {});
      await page2Held();
      expect(await storedIds()).toHaveLength(1);
      first.process.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');

      const second = await spawnWorker(spec, env);
      children.push(second);
      const { job, state } = await settled(queues.collect, id, 20_000);

      expect(state).toBe('completed');
      expect(job.returnvalue).toMatchObject({ status: 'succeeded', counts: { instances: 3, instanceTypes: 25 } });
      expect(await storedIds()).toEqual(RECORDED_INSTANCE_IDS);
      const [{ n }] = (await database.db.execute<{ n: number }>(
        'select count(*)::int as n from instances',
      )) as unknown as [{ n: number }];
      expect(n).toBe(3);
      const runs = await jobRunsOf(database.db, id);
      expect(runs.map((r) => [r.attempt, r.status])).toEqual([
        [1, 'failed'],
        [2, 'succeeded'],
      ]);
      expect(runs[0]!.error).toBe('interrupted: the worker stopped during this attempt; attempt 2 took over');
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await closeQueues(queues);
      producer.disconnect();
    }
  });
});

describe('PostgreSQL connections dropped mid-job', () => {
  const prefix = uniquePrefix('pgdrop');
  const children: WorkerChild[] = [];
  afterAll(async () => {
    for (const c of children)
      if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await removePrefix(redisUrl, prefix);
  });

  it('fails the attempt, keeps no part of the interrupted write, and a retry completes the data', async () => {
    const env = workerEnv(database.url, redisUrl);
    const spec = {
      prefix,
      settings: FAST_STALL,
      endpoints: { ec2: ec2.url },
      credentials: STANDIN_CREDENTIALS,
      requestTimeoutMs: 1_500,
    };
    // Two worker processes: postgres.js 3.4.9 may crash the one whose transaction loses its
    // connection (porsager/postgres#1208); then the other takes the job over.
    children.push(...(await Promise.all([spawnWorker(spec, env), spawnWorker(spec, env)])));
    ec2.requests.length = 0;
    ec2.faults.push({ ...HOLD_PAGE_2 });
    const producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queues = createQueues(producer, prefix);
    const locker = postgres(database.url, { max: 1, onnotice: () => {} });
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    let release = () => {};
    try {
      const id = await enqueueJob(
        queues,
        'collect-inventory',
        {},
        { overrides: { backoff: { type: 'fixed', delay: 500 } } },
      );
      await page2Held();
      // Hold the table so the job's write of page 2 blocks inside its transaction, then kill that backend.
      const released = new Promise<void>((r) => (release = r));
      const lockHeld = locker.begin(async (tx) => {
        await tx`lock table instances in share row exclusive mode`;
        await released;
      });
      const blocked = await waitFor('the job to block on the lock', async () => {
        const rows = await admin<{ pid: number }[]>`
          select pid from pg_stat_activity
          where datname = ${database.name} and wait_event_type = 'Lock' and query ilike 'insert into "instances"%'`;
        return rows.length > 0 ? rows : undefined;
      });
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where pid in ${admin(blocked.map((r) => r.pid))}`;
      release();
      await lockHeld;
      // Page 1 was committed before; page 2's half-done transaction left nothing behind.
      expect(await storedIds()).toHaveLength(1);

      const { job, state } = await settled(queues.collect, id, 20_000);
      expect(state).toBe('completed');
      expect(job.returnvalue.counts).toMatchObject({ instances: 3, instanceTypes: 25 });
      expect(await storedIds()).toEqual(RECORDED_INSTANCE_IDS);
      const runs = await jobRunsOf(database.db, id);
      expect(runs.map((r) => [r.attempt, r.status])).toEqual([
        [1, 'failed'],
        [2, 'succeeded'],
      ]);
      // Either the worker survived and recorded the lost connection, or it crashed and the
      // other worker closed its attempt as interrupted.
      const crashed = children.filter((c) => c.process.exitCode === 1).length;
      expect(runs[0]!.error).toMatch(crashed === 1 ? /^interrupted: / : /CONNECTION_CLOSED|terminating connection/);
    } finally {
      release();
      await Promise.all([locker.end(), admin.end(), closeQueues(queues)]);
      producer.disconnect();
    }
  });
});

describe('Redis restarted under running workers', () => {
  const prefix = uniquePrefix('redisrestart');
  let redis: OwnRedisServer;
  let worker: WorkerProcess;
  let producer: Redis;
  let queues: Queues;
  beforeAll(async () => {
    redis = await startOwnRedisServer();
    worker = await startWorkerProcess(loadConfig('worker', workerEnv(database.url, redis.url)), {
      prefix,
      healthPort: 0,
      shutdownTimeoutMs: 5_000,
      aws: { endpoints: { ec2: ec2.url }, credentials: STANDIN_CREDENTIALS, requestTimeoutMs: 1_500 },
    });
    producer = new Redis(redis.url, { maxRetriesPerRequest: null });
    producer.on('error', () => {});
    queues = createQueues(producer, prefix);
  });
  afterAll(async () => {
    await worker?.close();
    await closeQueues(queues);
    producer?.disconnect();
    await redis?.destroy();
  });

  it('reports 503 while Redis is down, then reconnects, keeps its schedules and takes jobs again', async () => {
    const before = await queues.collect.getJobSchedulers();
    expect(before.map((s) => s.key).sort()).toEqual(scheduleIdsOn('collect'));
    const health = () => fetch(`http://127.0.0.1:${serverPort(worker.health)}/health`);

    await redis.stop();
    const down = await health();
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'down', redis: { ok: false }, postgres: { ok: true } });

    await redis.start();
    await waitFor('/health to be 200 again', async () => ((await health()).status === 200 ? true : undefined));
    const after = await queues.collect.getJobSchedulers();
    expect(after).toEqual(before);
    expect((await queues.collect.getDelayed()).map((j) => j.repeatJobKey).sort()).toEqual(scheduleIdsOn('collect'));

    const id = await enqueueJob(queues, 'collect-inventory', {});
    const { state } = await settled(queues.collect, id);
    expect(state).toBe('completed');
    expect(await storedIds()).toEqual(RECORDED_INSTANCE_IDS);
    expect(await jobRunsOf(database.db, id)).toMatchObject([{ attempt: 1, status: 'succeeded' }]);
  });
});
