import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueNextSteps, nextStepJobId } from '../../src/worker/chain.js';
import { closeQueues, createQueues, JOB_KIND_SPECS, type Queues } from '../../src/worker/queues.js';
import { redisUrl, uniquePrefix } from '../helpers/redis.js';
import { removePrefix } from './helpers/worker-test-kit.js';

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
    expect(await enqueueNextSteps(queues, ['collect-inventory', 'score-anomalies'], 'collect-inventory', 'job-3')).toEqual([]);
    expect(await queues.analyze.getWaitingCount()).toBe(1);
  });
});
