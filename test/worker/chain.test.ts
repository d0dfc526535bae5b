import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { costTotals } from '../../src/db/queries/cost-daily.js';
import { jobRunsOf } from '../../src/db/queries/job-runs.js';
import { enqueueNextSteps, nextStepJobId } from '../../src/worker/chain.js';
import { closeQueues, createQueues, enqueueJob, JOB_KIND_SPECS, type Queues } from '../../src/jobs/queues.js';
import { startWorkerProcess } from '../../src/worker/process.js';
import { legacyCurTable, startAthenaStandin } from '../aws-standins/athena.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import { createTestDatabase } from '../support/database.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { removePrefix, settled, STANDIN_CREDENTIALS, workerEnv } from './helpers/worker-test-kit.js';

const prefix = uniquePrefix('chain');
let redis: Redis;
let queues: Queues;

beforeAll(() => {
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  queues = createQueues(redis, prefix);
});

afterAll(async () => {
  await closeQueues(queues);
  redis.disconnect();
  await removePrefix(redisUrl, prefix);
});

describe('the job chain', () => {
  it('enqueues scoring after a cost collection once, however often the collection job runs', async () => {
    // A scheduler-made job id has colons, which BullMQ refuses in custom ids.
    const parent = 'repeat:collect-costs:1795687200000';
    const registered = ['collect-costs', 'score-anomalies', 'post-alerts'] as const;
    const first = await enqueueNextSteps(queues, [...registered], 'collect-costs', parent);
    // The same collection run again (a retry, or a worker killed before BullMQ recorded it done).
    const again = await enqueueNextSteps(queues, [...registered], 'collect-costs', parent);

    expect(first).toEqual(['score-anomalies.after.repeat.collect-costs.1795687200000']);
    expect(again).toEqual(first);
    const waiting = await queues.analyze.getWaiting();
    expect(waiting.map((j) => [j.id, j.name, j.data])).toEqual([[first[0], 'score-anomalies', {}]]);
    expect(waiting[0]!.opts.attempts).toBe(JOB_KIND_SPECS['score-anomalies'].options.attempts);

    // Scoring then triggers the alerts, on their own queue, under an id derived from the scoring job.
    const alerts = await enqueueNextSteps(queues, [...registered], 'score-anomalies', first[0]!);
    expect(alerts).toEqual([nextStepJobId('post-alerts', first[0]!)]);
    expect((await queues.notify.getWaiting()).map((j) => j.name)).toEqual(['post-alerts']);
  });

  it('enqueues nothing for a step this worker has no handler for, or after a step that ends the chain', async () => {
    expect(await enqueueNextSteps(queues, ['collect-costs'], 'collect-costs', 'job-2')).toEqual([]);
    expect(
      await enqueueNextSteps(queues, ['collect-inventory', 'score-anomalies'], 'collect-inventory', 'job-3'),
    ).toEqual([]);
    expect(await queues.analyze.getWaitingCount()).toBe(1);
  });
});

describe('the chain with the real jobs', () => {
  it('scores right after a cost collection, then runs the alerts, each recorded in job_runs', async () => {
    const chainPrefix = uniquePrefix('chain-real');
    const [database, athena] = await Promise.all([createTestDatabase(), startAthenaStandin()]);
    // The real CUR export (day 1 of Oct, Nov and Dec 2018) behind the Athena stand-in.
    athena.defineTable('cur', 'workshop', legacyCurTable(FIXTURES.curParquet));
    const env = {
      ...workerEnv(database.url, redisUrl),
      ATHENA_DATABASE: 'cur',
      ATHENA_TABLE: 'workshop',
      ATHENA_OUTPUT_LOCATION: 's3://costbot-athena-results/cur/',
    };
    const worker = await startWorkerProcess(loadConfig('worker', env), {
      prefix: chainPrefix,
      healthPort: 0,
      shutdownTimeoutMs: 5_000,
      aws: { endpoints: { athena: athena.url }, credentials: STANDIN_CREDENTIALS },
    });
    const chainQueues = createQueues(redis, chainPrefix);
    try {
      const costs = await enqueueJob(chainQueues, 'collect-costs', { fromDay: '2018-10-01', toDay: '2019-01-01' });
      const collected = await settled(chainQueues.collect, costs, 30_000);
      expect(collected.state).toBe('completed');
      expect(collected.job.returnvalue).toMatchObject({ status: 'succeeded', counts: { days: 3 } });
      expect(
        (await costTotals(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01', by: 'month' })).map(
          (t) => t.period,
        ),
      ).toEqual(['2018-10', '2018-11', '2018-12']);

      const scoreId = nextStepJobId('score-anomalies', costs);
      expect(collected.job.returnvalue.next).toEqual([scoreId]);
      const scored = await settled(chainQueues.analyze, scoreId, 30_000);
      expect(scored.state).toBe('completed');
      expect(scored.job.returnvalue.status).toBe('succeeded');

      const alertsId = nextStepJobId('post-alerts', scoreId);
      expect(scored.job.returnvalue.next).toEqual([alertsId]);
      const alerted = await settled(chainQueues.notify, alertsId, 30_000);
      // The worker has neither SLACK_BOT_TOKEN nor ALERT_CHANNEL: the alerts step runs and says
      // which setting is missing.
      expect(alerted.job.returnvalue).toMatchObject({ status: 'skipped', next: [] });
      const [alertRun] = await jobRunsOf(database.db, alertsId);
      expect(alertRun).toMatchObject({ job: 'post-alerts', status: 'skipped' });
      expect(alertRun!.details['skipped']).toMatch(/(SLACK_BOT_TOKEN|ALERT_CHANNEL) is not set/);
      expect((await jobRunsOf(database.db, costs))[0]!.details).toMatchObject({ next: [scoreId] });
    } finally {
      await worker.close();
      await closeQueues(chainQueues);
      await Promise.all([database.drop(), athena.close(), removePrefix(redisUrl, chainPrefix)]);
    }
  });
});
