import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CostbotError } from '../errors.js';
import { HEARTBEAT_TTL_MS, readHeartbeats } from '../jobs/heartbeat.js';
import { countsInWords, jobWarning } from '../jobs/job-findings.js';
import { QUEUE_NAMES, type Queues } from '../jobs/queues.js';

/** What the worker's processor returns for a job (src/worker/processor.ts JobResult). */
interface JobResultShape {
  status?: 'succeeded' | 'skipped';
  counts?: Record<string, number>;
  next?: string[];
  skipped?: string;
  details?: Record<string, unknown>;
}

export interface FollowDeps {
  queues: Queues;
  redis: Redis;
  prefix: string;
  /** Prints one line (stdout). */
  print: (line: string) => void;
  /** @defaultValue 500 */
  pollMs?: number;
}

export interface FollowReport {
  jobs: number;
  succeeded: number;
  skipped: number;
  failed: { kind: string; id: string; reason: string }[];
}

/** Reasons listed under a warning. */
const REASONS_SHOWN = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function findJob(queues: Queues, id: string): Promise<{ queue: Queue; job: Job } | undefined> {
  for (const name of QUEUE_NAMES) {
    const job = await queues[name].getJob(id);
    if (job) return { queue: queues[name], job };
  }
  return undefined;
}

function seconds(job: Job): string {
  if (job.processedOn === undefined || job.finishedOn === undefined) return '';
  return ` in ${((job.finishedOn - job.processedOn) / 1000).toFixed(1)} s`;
}

/** Fails the wait when no worker has renewed its heartbeat within its TTL. */
async function requireWorker(deps: FollowDeps, id: string): Promise<void> {
  if ((await readHeartbeats(deps.redis, deps.prefix)).length > 0) return;
  throw new CostbotError(
    'JOB_FAILED',
    `no worker is running on this Redis (no heartbeat for ${HEARTBEAT_TTL_MS / 1000} s): job ${id} waits in its queue until one starts (npm run start:worker)`,
  );
}

/** Polls a job until it completes or fails for good, printing retries and splits as they happen. */
async function settle(
  deps: FollowDeps,
  queue: Queue,
  id: string,
  kind: string,
): Promise<{ job: Job; failed: boolean }> {
  let attemptsSeen = 0;
  let splitSeen = false;
  let lastWorkerCheck = Date.now();
  for (;;) {
    const job = await queue.getJob(id);
    if (!job) throw new CostbotError('JOB_FAILED', `job ${id} (${kind}) is gone from Redis before it finished`);
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return { job, failed: state === 'failed' };
    if (job.attemptsMade > attemptsSeen) {
      attemptsSeen = job.attemptsMade;
      deps.print(
        `  ${kind}: attempt ${attemptsSeen} failed (${job.failedReason}); retrying, up to ${job.opts.attempts ?? 1} attempts`,
      );
    }
    if (state === 'waiting-children' && !splitSeen) {
      splitSeen = true;
      const { unprocessed = 0 } = await job.getDependenciesCount({ unprocessed: true });
      deps.print(`  ${kind}: split into parts; waiting for ${unprocessed} part(s) to finish`);
    }
    if (Date.now() - lastWorkerCheck > HEARTBEAT_TTL_MS) {
      lastWorkerCheck = Date.now();
      await requireWorker(deps, id);
    }
    await sleep(deps.pollMs ?? 500);
  }
}

function printOutcome(deps: FollowDeps, kind: string, job: Job, result: JobResultShape): void {
  if (result.status === 'skipped') {
    deps.print(`${kind} skipped: ${result.skipped ?? 'no reason recorded'}`);
    return;
  }
  deps.print(`${kind} succeeded${seconds(job)}: ${countsInWords(result.counts ?? {})}`);
  const warning = jobWarning(kind, result.counts ?? {}, result.details ?? {});
  if (warning) {
    deps.print(`  warning: ${warning.summary}`);
    for (const reason of warning.reasons.slice(0, REASONS_SHOWN)) deps.print(`    - ${reason}`);
    if (warning.reasons.length > REASONS_SHOWN)
      deps.print(`    ... and ${warning.reasons.length - REASONS_SHOWN} more`);
  }
}

/**
 * Waits for job `firstId` and every job it triggers (result.next, recursively: the chain of
 * src/worker/chain.ts), printing what each did in plain words as it finishes. Returns the tally;
 * failed jobs are in it, not thrown.
 */
export async function followJobs(deps: FollowDeps, firstId: string): Promise<FollowReport> {
  const report: FollowReport = { jobs: 0, succeeded: 0, skipped: 0, failed: [] };
  const pending = [firstId];
  while (pending.length > 0) {
    const id = pending.shift()!;
    const found = await findJob(deps.queues, id);
    if (!found) throw new CostbotError('JOB_FAILED', `job ${id} is not in any costbot queue`);
    const kind = found.job.name;
    const { job, failed } = await settle(deps, found.queue, id, kind);
    report.jobs++;
    if (failed) {
      const reason = job.failedReason ?? 'no reason recorded';
      deps.print(`${kind} failed after ${job.attemptsMade} attempt(s): ${reason}`);
      report.failed.push({ kind, id, reason });
      continue;
    }
    const result = (job.returnvalue ?? {}) as JobResultShape;
    printOutcome(deps, kind, job, result);
    if (result.status === 'skipped') report.skipped++;
    else report.succeeded++;
    pending.push(...(result.next ?? []));
  }
  return report;
}
