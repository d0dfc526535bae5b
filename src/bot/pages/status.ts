import { awsUsageBetween, latestJobRuns } from '../../db/queries/job-runs.js';
import { dataFreshness, modelStatus } from '../../db/queries/models.js';
import type { MessageBody } from '../../slack/messages/kit.js';
import { statusMessage, type WorkerView } from '../../slack/messages/status.js';
import type { PageDeps } from '../deps.js';
import { utcMonth } from '../../days.js';

/** Redis answers in milliseconds; a status page must not hang on a Redis that is away. */
const REDIS_TIMEOUT_MS = 2_000;

async function workerView(deps: PageDeps): Promise<WorkerView> {
  if (deps.workerStatus === undefined) return { unavailable: 'REDIS_URL is not set for the bot' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer from Redis within ${REDIS_TIMEOUT_MS / 1000} s`)),
      REDIS_TIMEOUT_MS,
    );
  });
  try {
    return { status: await Promise.race([deps.workerStatus(), timeout]) };
  } catch (err) {
    return { unavailable: `Redis could not be read (${(err as Error).message})` };
  } finally {
    clearTimeout(timer);
  }
}

/** `/cost status`: the worker (heartbeat, schedules) from Redis, the runs, models and data from the database. */
export async function statusPage(deps: PageDeps): Promise<MessageBody> {
  const now = deps.now();
  const month = utcMonth(now);
  const [jobs, models, freshness, worker, usage] = await Promise.all([
    latestJobRuns(deps.db),
    modelStatus(deps.db),
    dataFreshness(deps.db),
    workerView(deps),
    awsUsageBetween(deps.db, month),
  ]);
  return statusMessage({ jobs, models, freshness, worker, awsCost: { month: month.name, usage }, now });
}
