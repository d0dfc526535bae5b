import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { closeQueues, createQueues, enqueueJob, type Queues } from '../../src/jobs/queues.js';
import { readWorkerStatus } from '../../src/jobs/worker-status.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/worker/process.js';
import { startEc2Standin } from '../aws-standins/ec2.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import {
  recordedInventory,
  removePrefix,
  settled,
  STANDIN_CREDENTIALS,
  workerEnv,
} from '../worker/helpers/worker-test-kit.js';
import { finalResponse, startHarness, textOf, USERS, type Harness } from './helpers/bot-harness.js';

// `/cost status` on day one: the real bot (Bolt, Slack stand-in) reading a real worker's heartbeat
// and schedules from Redis, and the runs the real jobs recorded in PostgreSQL.
const prefix = uniquePrefix('status');
const clock = { now: new Date() };
let h: Harness;
let ec2: StandinServer;
let worker: WorkerProcess | undefined;
let redis: Redis;
let queues: Queues;

async function status(): Promise<string> {
  clock.now = new Date();
  const sent = await h.sender.command('status', USERS.alice);
  expect(sent.status).toBe(200);
  return textOf((await finalResponse(h.slack, sent.responseId)).blocks);
}

beforeAll(async () => {
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queues = createQueues(redis, prefix);
  ec2 = await startEc2Standin(recordedInventory());
  h = await startHarness({ clock, workerStatus: () => readWorkerStatus(redis, queues, prefix) });
  // The schedules of .env.example, so the next runs read as they would on a real install.
  const env = { ...workerEnv(h.db.url, redisUrl), SCHEDULE_INVENTORY: '5 * * * *', SCHEDULE_COSTS: '30 6 * * *' };
  worker = await startWorkerProcess(loadConfig('worker', env), {
    prefix,
    healthPort: 0,
    shutdownTimeoutMs: 5_000,
    aws: { endpoints: { ec2: ec2.url }, credentials: STANDIN_CREDENTIALS, requestTimeoutMs: 1_000 },
  });
});

afterAll(async () => {
  await worker?.close();
  await h?.close();
  await closeQueues(queues);
  redis.disconnect();
  await Promise.all([ec2?.close(), removePrefix(redisUrl, prefix)]);
});

describe('/cost status on day one', () => {
  it('before any job: the worker is up, when each schedule fires, and what is missing for first results', async () => {
    const text = await status();
    expect(text).toMatch(
      new RegExp(
        `:large_green_circle: \\*Worker up\\* since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(\\d+ min\\): 1 process: ${hostname()} \\(pid ${process.pid}, collect, analyze, notify, apply, beat \\d+ min ago\\)`,
      ),
    );
    expect(text).not.toContain('is the worker started');
    expect(text).toContain('_No job has run yet; the worker is up.');
    // Every schedule with its cron and next run; the inventory runs at :05 of the next hour at the latest.
    expect(text).toMatch(/\*collect-inventory\* `5 \* \* \* \*`: next \d{4}-\d\d-\d\d \d\d:05 UTC \(in \d+ min\)/);
    expect(text).toMatch(/\*collect-costs\* `30 6 \* \* \*`: next \d{4}-\d\d-\d\d 06:30 UTC \(in \d+ (min|h)\)/);
    expect(text).toContain('*Still missing for first results*');
    expect(text).toMatch(
      /• \*Costs\* \(anomalies, forecasts\): no CUR data yet: the costs job has not run yet; it is due \d{4}-\d\d-\d\d 06:30 UTC \(in \d+ (min|h)\); run it now with `npm run costbot -- run collect-costs`/,
    );
    expect(text).toContain('• *EC2 inventory* (right-sizing): no instances yet: the inventory job has not run yet');
  });

  it('after the first runs: counts, skip reasons, and a run that succeeded with nothing right-sized as a warning', async () => {
    for (const kind of ['collect-inventory', 'collect-costs', 'rightsize'] as const) {
      const id = await enqueueJob(queues, kind, {});
      const queue = kind === 'rightsize' ? queues.analyze : queues.collect;
      expect((await settled(queue, id, 30_000)).state).toBe('completed');
    }
    const text = await status();
    expect(text).toMatch(
      /:white_check_mark: \*collect-inventory\*: succeeded \d+ min ago — 3 instances, 25 instance types, 0 not found, 2 scopes/,
    );
    expect(text).toMatch(
      /:double_vertical_bar: \*collect-costs\*: skipped \d+ min ago — ATHENA_DATABASE is not set \(the Glue database of the CUR table\)/,
    );
    // The recorded instances have no CloudWatch points: the job "succeeded" and right-sized none.
    expect(text).toMatch(
      /:warning: \*rightsize\*: succeeded \d+ min ago — 0 actionable, 0 analysed, 2 instances, 2 not analysed, 0 recommendations, 0 retired\n\s+_2 of 2 not analysed: no CloudWatch metrics in the lookback \(2\)_/,
    );
    expect(text).toContain(
      '• *Costs* (anomalies, forecasts): no CUR data yet: the costs job was skipped: ATHENA_DATABASE is not set',
    );
    expect(text).toMatch(
      /• \*CloudWatch metrics\* \(right-sizing\): none yet: the metrics job has not run yet; it is due \d{4}-01-01 00:00 UTC \(in \d+ d\); run it now with `npm run costbot -- run collect-metrics`/,
    );
    expect(text).not.toContain('EC2 inventory* (right-sizing): no instances yet');
  });

  it('says so when the worker stops, and keeps the runs', async () => {
    await worker!.close();
    worker = undefined;
    const text = await status();
    expect(text).toContain(
      ':red_circle: *No worker is running*: no heartbeat in Redis. Start it with `npm run start:worker`',
    );
    expect(text).toContain('*collect-inventory*: succeeded');
  });

  it('says the bot cannot see the worker when it has no Redis', async () => {
    const noRedis = await startHarness({ clock });
    try {
      const sent = await noRedis.sender.command('status', USERS.alice);
      const text = textOf((await finalResponse(noRedis.slack, sent.responseId)).blocks);
      expect(text).toContain(':grey_question: The bot cannot see the worker: REDIS_URL is not set for the bot');
      expect(text).toContain('_No job has run yet, and no worker is running');
    } finally {
      await noRedis.close();
    }
  });
});
