import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { AwsUsageMeter } from '../cost/aws-usage.js';

/**
 * What every job processor receives. Clients are built once by the worker entry and passed in
 *; processors never read process.env or build their own clients.
 */
export interface JobContext {
  db: Db;
  config: Config;
  log: Logger;
  /** The clock, injected so jobs and their tests agree on "today". */
  now: () => Date;
  /**
   * Counts the paid AWS calls of this attempt; the processor stores them in job_runs.details.awsUsage
   * whether the attempt succeeds or fails.
   */
  usage?: AwsUsageMeter;
  /** Reports progress to BullMQ (extends the lock on long jobs). */
  progress?: (value: number | object) => Promise<void>;
}

/** What a processor returns; recorded in job_runs. */
export interface JobOutcome {
  /** Rows fetched, written, scored... e.g. { instances: 120, metricPoints: 40320 }. */
  counts: Record<string, number>;
  /** Job-specific facts (Athena query id and bytes scanned, models trained...). */
  details?: Record<string, unknown>;
  /** Set when the job did nothing on purpose, with the reason (e.g. "ATHENA_DATABASE is not set"). */
  skipped?: string;
}

/** A processor: validates nothing itself; the worker parses the payload with the job's zod schema first. */
export type JobHandler<Deps, Payload> = (ctx: JobContext & Deps, payload: Payload) => Promise<JobOutcome>;
