import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { logger } from '../logger.js';

/** Every job costbot runs; also the BullMQ job name. */
export const JOB_KINDS = [
  'collect-inventory',
  'collect-metrics',
  'collect-costs',
  'collect-prices',
  'train-anomaly',
  'score-anomalies',
  'rightsize',
  'forecast',
  'post-alerts',
  'apply-recommendation',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * A few queues by resource profile rather than one per kind: the profile decides the worker
 * settings (concurrency, lock, stalled handling), while the kind only decides retries. Four
 * queues also keep the blocking Redis connections per process at four.
 */
export const QUEUE_NAMES = ['collect', 'analyze', 'notify', 'apply'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const DAY_SECONDS = 24 * 3600;

/**
 * Kept this long so a job id stays known to Redis and an add with the same id is a no-op (the
 * dedupe of chained jobs, alerts and applies); failed jobs stay longer for inspection.
 */
const keep: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 7 * DAY_SECONDS, count: 5_000 },
  removeOnFail: { age: 30 * DAY_SECONDS, count: 5_000 },
};

/** BullMQ backoff: 2^(n-1) x delay, drawn uniformly from its top `jitter` fraction (bullmq Backoffs). */
const backoff = (delay: number) => ({ type: 'exponential', delay, jitter: 0.5 });

/** The queue and retry policy of each job kind. */
export interface JobKindSpec {
  queue: QueueName;
  options: JobsOptions;
}

export const JOB_KIND_SPECS: Record<JobKind, JobKindSpec> = {
  // Collections retry transient AWS/DB failures for ~15 min (1, 2, 4, 8 min): long enough to
  // outlast a throttling burst or an Athena hiccup, short enough to finish before the next run.
  'collect-inventory': { queue: 'collect', options: { attempts: 5, backoff: backoff(60_000), ...keep } },
  'collect-metrics': { queue: 'collect', options: { attempts: 5, backoff: backoff(60_000), ...keep } },
  'collect-costs': { queue: 'collect', options: { attempts: 5, backoff: backoff(60_000), ...keep } },
  'collect-prices': { queue: 'collect', options: { attempts: 5, backoff: backoff(60_000), ...keep } },
  // Model jobs only fail transiently on the database; three tries 30 s and 60 s apart.
  'train-anomaly': { queue: 'analyze', options: { attempts: 3, backoff: backoff(30_000), ...keep } },
  'score-anomalies': { queue: 'analyze', options: { attempts: 3, backoff: backoff(30_000), ...keep } },
  rightsize: { queue: 'analyze', options: { attempts: 3, backoff: backoff(30_000), ...keep } },
  forecast: { queue: 'analyze', options: { attempts: 3, backoff: backoff(30_000), ...keep } },
  // Slack outages are short; alerts should still go out the same hour.
  'post-alerts': { queue: 'notify', options: { attempts: 6, backoff: backoff(10_000), ...keep } },
  // Never retried automatically: a failed apply needs a person to look (see the apply queue).
  'apply-recommendation': { queue: 'apply', options: { attempts: 1, ...keep } },
};

/** The Redis key prefix of costbot's queues; tests use their own. */
export const DEFAULT_QUEUE_PREFIX = 'costbot';

export type Queues = Record<QueueName, Queue>;

/**
 * One Queue per queue name, sharing `connection` (callers close the queues, then the connection).
 * Connection errors are logged: without a listener BullMQ prints them to stderr.
 */
export function createQueues(connection: Redis, prefix: string = DEFAULT_QUEUE_PREFIX): Queues {
  const log = logger.child({ module: 'queues' });
  const entries = QUEUE_NAMES.map((name) => {
    const queue = new Queue(name, { connection, prefix });
    queue.on('error', (err) => log.warn({ queue: name, err: err.message }, 'queue connection error'));
    return [name, queue] as const;
  });
  return Object.fromEntries(entries) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

/** Options to enqueue one job; `jobId` makes the add idempotent (a second add with it is a no-op). */
export interface EnqueueOptions {
  jobId?: string;
  /** Overrides of the kind's policy (tests shorten backoff). */
  overrides?: JobsOptions;
}

/**
 * Adds a job of `kind` to its queue with the kind's policy. Producers (the bot, chained steps)
 * call this; the processor validates the payload with the kind's zod schema.
 */
export async function enqueueJob(
  queues: Queues,
  kind: JobKind,
  payload: object,
  options: EnqueueOptions = {},
): Promise<string> {
  const spec = JOB_KIND_SPECS[kind];
  const jobId = options.jobId === undefined ? undefined : toJobId(options.jobId);
  const job = await queues[spec.queue].add(kind, payload, { ...spec.options, ...options.overrides, jobId });
  if (job.id === undefined) throw new Error(`BullMQ returned no id for a ${kind} job`);
  return job.id;
}

/** BullMQ rejects custom ids that contain ':' or are integers; keys built from other ids may have both. */
export function toJobId(key: string): string {
  const id = key.replaceAll(':', '.');
  return /^\d+$/.test(id) ? `id-${id}` : id;
}
