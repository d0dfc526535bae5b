import { Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { registeredKinds } from './registry.js';
import { createJobProcessor, type JobRuntime } from './processor.js';
import { DEFAULT_QUEUE_PREFIX, JOB_KIND_SPECS, QUEUE_NAMES, type QueueName } from '../jobs/queues.js';

/** Worker settings per queue; every worker process runs one BullMQ Worker per queue. */
export type QueueWorkerSettings = Pick<
  WorkerOptions,
  'concurrency' | 'lockDuration' | 'maxStalledCount' | 'stalledInterval'
>;

export const QUEUE_SETTINGS: Record<QueueName, QueueWorkerSettings> = {
  // AWS reads, paced by the shared rate limiter, then upserts. One at a time: a metrics job
  // already keeps 2 GetMetricData batches in flight, and measured with bench/pipeline.ts
  // (1,000 instances, one worker) a second job at once raised the peak from ~1.0 to ~1.5 GiB
  // and finished no sooner. More throughput comes from more processes.
  // A stalled collection is re-run: every write is an upsert on a natural key.
  collect: { concurrency: 1, lockDuration: 60_000, maxStalledCount: 2 },
  // CPU-bound model work: one at a time per process (a second would only share the core); scale
  // with processes. The long lock covers synchronous stretches during which the event loop
  // cannot renew it, so a busy job is not taken for stalled and run twice. Handlers should still
  // await between units of work (series, instances) so /health keeps answering.
  analyze: { concurrency: 1, lockDuration: 10 * 60_000, maxStalledCount: 1 },
  // Slack posts: the alerts table dedupes per anomaly and channel, so a re-run is safe.
  notify: { concurrency: 2, lockDuration: 60_000, maxStalledCount: 1 },
  // EC2 changes a person approved. A worker that dies mid-apply must not have the change
  // re-run behind everyone's back: a stalled apply fails (maxStalledCount 0) and shows as such.
  apply: { concurrency: 2, lockDuration: 5 * 60_000, maxStalledCount: 0 },
};

export interface StartWorkersOptions {
  /** Redis key prefix of the queues. @defaultValue 'costbot' */
  prefix?: string;
  /** Overrides of the per-queue settings (tests shorten locks and stalled checks). */
  settings?: Partial<Record<QueueName, Partial<QueueWorkerSettings>>>;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Workers that are running and not closing. */
  running(): number;
  /**
   * Stops taking jobs and waits up to `timeoutMs` for the running ones to finish. Returns false
   * when some were still running: the caller then exits anyway and, once their locks expire,
   * BullMQ hands those jobs to another worker as stalled.
   */
  close(timeoutMs: number): Promise<boolean>;
}

/**
 * Starts one BullMQ Worker per queue that has a registered kind, all running the same job
 * processor. `connection` is
 * shared for commands; BullMQ duplicates it for each worker's blocking connection.
 */
export function startWorkers(rt: JobRuntime, connection: Redis, options: StartWorkersOptions = {}): RunningWorkers {
  const processor = createJobProcessor(rt);
  const used = new Set(registeredKinds(rt.registry).map((kind) => JOB_KIND_SPECS[kind].queue));
  const workers = QUEUE_NAMES.filter((name) => used.has(name)).map((name) => {
    const worker = new Worker(name, processor, {
      connection,
      prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
      ...QUEUE_SETTINGS[name],
      ...options.settings?.[name],
    });
    // Without a listener an 'error' (e.g. Redis going away) would be an unhandled event.
    worker.on('error', (err) => rt.log.error({ err, queue: name }, 'queue worker error'));
    worker.on('stalled', (jobId) => rt.log.warn({ jobId, queue: name }, 'job stalled; it will be run again or failed'));
    return worker;
  });
  return {
    workers,
    running: () => workers.filter((w) => w.isRunning() && !w.closing).length,
    async close(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const closed = Promise.all(workers.map((w) => w.close())).then(() => true);
      const finished = await Promise.race([closed, timedOut]);
      clearTimeout(timer);
      return finished;
    },
  };
}
