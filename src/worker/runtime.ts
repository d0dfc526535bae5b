import { Redis } from 'ioredis';
import { createAwsClients, type AwsClientOptions } from '../aws/clients.js';
import type { Config } from '../config.js';
import { createDb } from '../db/client.js';
import { logger } from '../logger.js';
import { createSlackClient } from '../slack/client.js';
import { createPoster } from '../slack/poster.js';
import { closeQueues, createQueues } from '../jobs/queues.js';
import { createRateLimiter } from './rate-limit.js';
import type { JobRegistry } from './registry.js';
import type { JobRuntime } from './processor.js';

export interface RuntimeOptions {
  prefix: string;
  registry: JobRegistry;
  /** AWS client options (tests and the bench point the endpoints at stand-ins). */
  aws?: Omit<AwsClientOptions, 'pace'>;
  /** Database pool size. @defaultValue 10 */
  dbPool?: number;
}

export interface BuiltRuntime {
  rt: JobRuntime;
  /** The shared BullMQ connection (maxRetriesPerRequest null). */
  redis: Redis;
  /** Closes the queues, AWS sockets, Redis and the database pool, in that order. */
  close(): Promise<void>;
}

/** Builds, once per worker process, the clients its jobs share. */
export function buildRuntime(config: Config, options: RuntimeOptions): BuiltRuntime {
  const { DATABASE_URL, REDIS_URL } = config;
  if (DATABASE_URL === undefined || REDIS_URL === undefined)
    throw new Error('loadConfig("worker") guarantees DATABASE_URL and REDIS_URL');
  const log = logger.child({ module: 'worker' });
  // BullMQ needs maxRetriesPerRequest null: commands wait for a reconnect instead of failing.
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  const db = createDb(DATABASE_URL, { max: options.dbPool ?? 10 });
  const queues = createQueues(redis, options.prefix);
  const rateLimiter = createRateLimiter(redis, { prefix: options.prefix });
  const aws = createAwsClients(config, { ...options.aws, pace: (action, scope) => rateLimiter.acquire(action, scope) });
  const slack =
    config.SLACK_BOT_TOKEN === undefined
      ? undefined
      : createPoster(createSlackClient({ token: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL, log }), { log });
  const rt: JobRuntime = {
    db: db.db,
    config,
    log,
    now: () => new Date(),
    queues,
    registry: options.registry,
    deps: { aws, rateLimiter, ...(slack === undefined ? {} : { slack }) },
  };
  return {
    rt,
    redis,
    async close() {
      await closeQueues(queues);
      aws.destroy();
      await redis.quit().catch(() => redis.disconnect());
      await db.close(5);
    },
  };
}
