import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { ApplyRecommendationPayload } from '../jobs/schemas/apply.js';
import type { WorkerStatus } from '../jobs/worker-status.js';
import type { ChartFiles } from '../slack/chart-files.js';
import type { ReplayCache } from './replay-cache.js';

/** What the bot's listeners receive: clients built once by the entry point. */
export interface BotDeps {
  db: Db;
  config: Config;
  log: Logger;
  /** The clock; tests pin it to the day of the recorded data. */
  now: () => Date;
  /**
   * Queues the apply job for an approved action (the worker runs it). Undefined when the bot has
   * no queue (REDIS_URL unset): approvals are then refused with that reason.
   */
  enqueueApply?: (payload: ApplyRecommendationPayload) => Promise<void>;
  /**
   * Reads the worker's heartbeats and schedules from Redis, for /cost status. Undefined when the
   * bot has no REDIS_URL: the status then says it cannot see the worker.
   */
  workerStatus?: () => Promise<WorkerStatus>;
  /**
   * After this many milliseconds without a result, a view posts "working on it" and replaces it
   * when ready. @defaultValue 1500
   */
  loadingNoticeMs?: number;
  /**
   * Signed requests already answered (Redis when REDIS_URL is set, shared by every bot process).
   * @defaultValue this process's memory
   */
  replayCache?: ReplayCache;
  /**
   * Charts rendered and uploaded once per content and place, reused by later Details clicks.
   * @defaultValue one per app, made by createApp
   */
  chartFiles?: ChartFiles;
}

export type PageDeps = Pick<BotDeps, 'db' | 'config' | 'now' | 'workerStatus'>;

/** BotDeps as createApp hands them to listeners: defaults filled in. */
export type AppDeps = BotDeps & { chartFiles: ChartFiles };
