import { UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../config.js';
import { AwsUsageMeter } from '../cost/aws-usage.js';
import type { Db } from '../db/client.js';
import { closeInterruptedRuns, finishJobRun, startJobRun, type JobRunKey } from '../db/queries/job-runs.js';
import { isCostbotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { enqueueNextSteps } from './chain.js';
import { enqueueParts, isJoinRun, joinParts } from './fan-out.js';
import type { JobOutcome } from './job-types.js';
import { PermanentJobError, toJobError } from './permanent-error.js';
import { JOB_KINDS, type JobKind, type Queues } from '../jobs/queues.js';
import { registeredKinds, type JobDefinition, type JobRegistry, type WorkerJobContext } from './registry.js';
import type { WorkerDeps } from './worker-deps.js';

/** Everything the processor needs, built once per process. */
export interface JobRuntime {
  db: Db;
  config: Config;
  log: Logger;
  now: () => Date;
  queues: Queues;
  registry: JobRegistry;
  deps: WorkerDeps;
}

/** What a processed job returns to BullMQ (kept in Redis as the job's return value). */
export interface JobResult {
  status: 'succeeded' | 'skipped';
  counts: Record<string, number>;
  /** Ids of the jobs this one triggered. */
  next: string[];
  /** Why the job did nothing, when it skipped. */
  skipped?: string;
  /** The job's details as job_runs has them (problems, windows...), for `costbot run --wait`. */
  details?: Record<string, unknown>;
}

/**
 * The processor of every queue: parses the payload with the kind's schema, records the attempt
 * in job_runs, runs the handler (or splits the run into parts, or joins them), enqueues the
 * steps that follow, and turns errors that retrying cannot fix into UnrecoverableError so
 * BullMQ fails them once.
 */
export function createJobProcessor(rt: JobRuntime): (job: Job, token?: string) => Promise<JobResult> {
  return async (job, token) => {
    if (job.id === undefined) throw new UnrecoverableError('job has no id');
    // attemptsStarted counts every start, including one cut short by a killed worker, so each
    // attempt gets its own job_runs row (attemptsMade only counts attempts that failed).
    const key: JobRunKey = { job: job.name, queueJobId: job.id, attempt: Math.max(1, job.attemptsStarted) };
    const log = rt.log.child({ jobId: job.id, queue: job.queueName, kind: job.name, attempt: key.attempt });
    const runId = await startJobRun(rt.db, key, rt.now());
    const interrupted = await closeInterruptedRuns(rt.db, key, rt.now());
    if (interrupted > 0) log.warn({ interrupted }, 'an earlier attempt of this job was cut short');
    // The paid AWS calls of this attempt, stored with it (success or failure): /cost status adds them up.
    const usage = new AwsUsageMeter();
    const usageDetails = () => (usage.used ? { awsUsage: usage.toJSON() } : {});
    try {
      const { kind, definition, payload } = resolve(rt, job);
      const ctx: WorkerJobContext = {
        ...rt.deps,
        db: rt.db,
        config: rt.config,
        log,
        now: rt.now,
        usage,
        progress: (value) => job.updateProgress(value),
      };
      const outcome = await runOrSplit(rt, { job, token, runId, kind, definition, payload, ctx });
      const status = outcome.skipped === undefined ? 'succeeded' : 'skipped';
      const next = await enqueueNextSteps(rt.queues, registeredKinds(rt.registry), kind, job.id, {
        data: job.data,
        end: status,
      });
      const details = {
        ...outcome.details,
        ...(outcome.skipped === undefined ? {} : { skipped: outcome.skipped }),
        ...(next.length > 0 ? { next } : {}),
        ...usageDetails(),
      };
      await finishJobRun(rt.db, runId, { status, finishedAt: rt.now(), counts: outcome.counts, details });
      log.info({ status, counts: outcome.counts, reason: outcome.skipped, next }, 'job finished');
      return {
        status,
        counts: outcome.counts,
        next,
        ...(outcome.skipped === undefined ? {} : { skipped: outcome.skipped }),
        ...(outcome.details === undefined ? {} : { details: outcome.details }),
      };
    } catch (err) {
      if (err instanceof WaitingChildrenError) throw err;
      const failure = toJobError(err);
      const retrying = !(failure instanceof UnrecoverableError) && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
      log.error({ err, retrying }, 'job failed');
      if (!retrying) await continueSequence(rt, job, log);
      try {
        await finishJobRun(rt.db, runId, {
          status: 'failed',
          finishedAt: rt.now(),
          error: describeError(failure),
          details: { retrying, ...usageDetails() },
        });
      } catch (recordErr) {
        // The job's own error matters more; BullMQ keeps it either way.
        log.error({ err: recordErr }, 'could not record the failure in job_runs');
      }
      throw failure;
    }
  };
}

/**
 * A job that failed for good still hands on the rest of its sequence (see chain.ts), so that one
 * step that cannot run does not stop the steps after it.
 */
async function continueSequence(rt: JobRuntime, job: Job, log: Logger): Promise<void> {
  if (!isJobKind(job.name) || job.id === undefined) return;
  try {
    await enqueueNextSteps(rt.queues, registeredKinds(rt.registry), job.name, job.id, {
      data: job.data,
      end: 'failed',
    });
  } catch (err) {
    log.error({ err }, 'could not enqueue the rest of the sequence after a failed job');
  }
}

interface Run {
  job: Job;
  token: string | undefined;
  runId: number;
  kind: JobKind;
  definition: JobDefinition;
  payload: unknown;
  ctx: WorkerJobContext;
}

/**
 * Runs the handler, or, for a kind that splits: splits a big run into parts and waits for them
 * (throwing WaitingChildrenError, which is not a failure), or joins the parts once they are done.
 */
async function runOrSplit(rt: JobRuntime, r: Run): Promise<JobOutcome> {
  if (r.definition.split === undefined) return handle(r.definition, r.ctx, r.payload);
  if (await isJoinRun(r.job)) return { counts: await joinParts(r.job) };
  const parts = await r.definition.split(r.ctx, r.payload);
  if (parts === undefined || parts.length < 2) return handle(r.definition, r.ctx, r.payload);
  const ids = await enqueueParts(rt.queues, r.kind, r.job, parts);
  await finishJobRun(rt.db, r.runId, {
    status: 'succeeded',
    finishedAt: rt.now(),
    counts: { parts: ids.length },
    details: { split: ids.length },
  });
  r.ctx.log.info({ parts: ids.length }, 'job split into parts');
  if (r.token === undefined) throw new Error('BullMQ gave the processor no lock token');
  // BullMQ hands the job back once every part has completed; then isJoinRun is true.
  if (await r.job.moveToWaitingChildren(r.token)) throw new WaitingChildrenError();
  return { counts: await joinParts(r.job) };
}

/** The job's kind, definition and parsed payload; a job no handler can take fails for good. */
function resolve(rt: JobRuntime, job: Job): { kind: JobKind; definition: JobDefinition; payload: unknown } {
  const kind = job.name;
  const definition = isJobKind(kind) ? rt.registry[kind] : undefined;
  if (!isJobKind(kind) || definition === undefined) {
    throw new PermanentJobError(
      'JOB_PAYLOAD_INVALID',
      `this worker has no job kind "${kind}"; registered kinds: ${registeredKinds(rt.registry).join(', ') || 'none'}`,
    );
  }
  const parsed = definition.schema.safeParse(job.data);
  if (!parsed.success) {
    throw new PermanentJobError(
      'JOB_PAYLOAD_INVALID',
      `${kind} payload is invalid: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}. Enqueue it with a payload its zod schema accepts.`,
    );
  }
  return { kind, definition, payload: parsed.data };
}

async function handle(definition: JobDefinition, ctx: WorkerJobContext, payload: unknown): Promise<JobOutcome> {
  try {
    return await definition.handle(ctx, payload);
  } catch (err) {
    // Too little real data is an answer, not a fault: retrying would find the same data.
    if (isCostbotError(err) && err.code === 'INSUFFICIENT_DATA') return { counts: {}, skipped: err.message };
    throw err;
  }
}

function isJobKind(name: string): name is JobKind {
  return (JOB_KINDS as readonly string[]).includes(name);
}

/** The error as /cost status shows it: led by its stable code when it has one. */
function describeError(err: Error): string {
  return isCostbotError(err) ? `${err.code}: ${err.message}` : err.message;
}
