import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { jobRuns } from '../../src/db/schema/index.js';
import { closeQueues, createQueues, type Queues } from '../../src/jobs/queues.js';
import { BOOTSTRAP_SEQUENCE, bootstrapIfFirstStart } from '../../src/worker/bootstrap.js';
import { jobRegistry } from '../../src/worker/registry.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/worker/process.js';
import { legacyCurTable, startAthenaStandin, type AthenaStandin } from '../aws-standins/athena.js';
import { startCloudWatchStandin, type CloudWatchStandin } from '../aws-standins/cloudwatch.js';
import { startEc2Standin } from '../aws-standins/ec2.js';
import { FIXTURES, fixture } from '../aws-standins/fixtures.js';
import { readPriceListEntries, startPricingStandin } from '../aws-standins/pricing.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { recordedInventory, removePrefix, STANDIN_CREDENTIALS, waitFor, workerEnv } from './helpers/worker-test-kit.js';

// The first start's chain, with every AWS edge served by a stand-in: two workers start at once on
// an empty database, and every step runs once, in order; a restart adds nothing.
const prefix = uniquePrefix('bootstrap');
let database: TestDatabase;
let ec2: StandinServer;
let pricing: StandinServer;
let cw: CloudWatchStandin;
let athena: AthenaStandin;
const workers: WorkerProcess[] = [];
let redis: Redis;
let queues: Queues;

function start(): Promise<WorkerProcess> {
  const env = {
    ...workerEnv(database.url, redisUrl),
    BOOTSTRAP_ON_START: 'true',
    ATHENA_DATABASE: 'cur',
    ATHENA_TABLE: 'workshop',
    ATHENA_OUTPUT_LOCATION: 's3://costbot-athena-results/cur/',
  };
  return startWorkerProcess(loadConfig('worker', env), {
    prefix,
    healthPort: 0,
    shutdownTimeoutMs: 5_000,
    aws: {
      endpoints: { ec2: ec2.url, pricing: pricing.url, cloudwatch: cw.url, athena: athena.url },
      credentials: STANDIN_CREDENTIALS,
      requestTimeoutMs: 2_000,
    },
  });
}

beforeAll(async () => {
  [database, ec2, pricing, cw, athena] = await Promise.all([
    createTestDatabase(),
    startEc2Standin(recordedInventory()),
    startPricingStandin(
      readPriceListEntries([FIXTURES.pricingItemM5Large, fixture('awscli_pricing_get-products_example.json')]),
    ),
    startCloudWatchStandin(),
    startAthenaStandin(),
  ]);
  athena.defineTable('cur', 'workshop', legacyCurTable(FIXTURES.curParquet));
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queues = createQueues(redis, prefix);
});

afterAll(async () => {
  for (const w of workers) await w.close();
  await closeQueues(queues);
  redis.disconnect();
  await Promise.all([database?.drop(), ec2?.close(), pricing?.close(), cw?.close(), athena?.close()]);
  await removePrefix(redisUrl, prefix);
});

describe('the first start', () => {
  it('runs the collection chain once, step after step, however many workers start together', async () => {
    workers.push(...(await Promise.all([start(), start()])));
    const runs = await waitFor(
      'the forecast step of the first start',
      async () => {
        const rows = await database.db.select().from(jobRuns).orderBy(jobRuns.startedAt, jobRuns.id);
        return rows.some((r) => r.job === 'forecast' && r.status !== 'running') ? rows : undefined;
      },
      120_000,
    );
    // Each step once, in order; a step that had nothing to work on (no CUR rows in the stand-in's
    // export for the last 13 months) skips and hands on to the next one.
    expect(runs.map((r) => r.job)).toEqual([...BOOTSTRAP_SEQUENCE]);
    expect(runs.map((r) => r.status)).not.toContain('failed');
    expect(runs[0]!.queueJobId).toMatch(/^bootstrap\.db-\d+$/);
    const run = (job: string) => runs.find((r) => r.job === job)!;
    expect(run('collect-inventory').counts).toMatchObject({ instances: 3 });
    expect(run('collect-prices').counts).toMatchObject({ regionsFetched: 2 });
    expect(run('collect-costs').details).toMatchObject({ mode: 'backfill' });
    expect(run('train-anomaly').details['skipped']).toMatch(/^no CUR data collected yet/);
    // Scoring skipped, so no alerts step followed it; right-sizing still ran on the inventory.
    expect(run('rightsize')).toMatchObject({ status: 'succeeded', counts: { instances: 2, notAnalysed: 2 } });
    expect(run('rightsize').details['notAnalysedSummary']).toBe(
      '2 of 2 not analysed: no CloudWatch metrics in the lookback (2)',
    );
  }, 180_000);

  it('adds nothing on a restart, nor when BOOTSTRAP_ON_START is false', async () => {
    const runs0 = (await database.db.select().from(jobRuns).orderBy(jobRuns.id))[0]!.queueJobId;
    workers.push(await start());
    const log = pino({ level: 'silent' });
    const deps = { db: database.db, queues, registry: jobRegistry, log };
    expect(await bootstrapIfFirstStart({ ...deps, config: { BOOTSTRAP_ON_START: true } })).toBeUndefined();
    // Another, empty database: on queues of their own, so no worker of this test takes the job.
    const empty = await createTestDatabase();
    const otherPrefix = uniquePrefix('bootstrap-other');
    const other = createQueues(redis, otherPrefix);
    try {
      const emptyDeps = { ...deps, db: empty.db, queues: other };
      expect(await bootstrapIfFirstStart({ ...emptyDeps, config: { BOOTSTRAP_ON_START: false } })).toBeUndefined();
      const id = await bootstrapIfFirstStart({ ...emptyDeps, config: { BOOTSTRAP_ON_START: true } });
      expect(id).toMatch(/^bootstrap\.db-\d+$/);
      expect(id).not.toBe(runs0);
      // Workers starting together add it once.
      expect(await bootstrapIfFirstStart({ ...emptyDeps, config: { BOOTSTRAP_ON_START: true } })).toBe(id);
      expect((await other.collect.getWaiting()).map((j) => [j.id, j.name])).toEqual([[id, 'collect-inventory']]);
    } finally {
      await closeQueues(other);
      await Promise.all([empty.drop(), removePrefix(redisUrl, otherPrefix)]);
    }
    const rows = await database.db.select().from(jobRuns);
    expect(rows.filter((r) => r.job === 'collect-inventory')).toHaveLength(1);
  }, 120_000);
});
