import { Redis } from 'ioredis';
// The JSON API (issue 9, src/api/**) is mounted here and only here, as Bolt custom routes.
import { apiRoutes } from '../api/routes.js';
import { loadConfig } from '../config.js';
import { createDb } from '../db/client.js';
import { logger } from '../logger.js';
import { runEntry } from '../run-entry.js';
import { closeQueues, createQueues, enqueueJob } from '../jobs/queues.js';
import { readWorkerStatus } from '../jobs/worker-status.js';
import { createApp } from './app.js';
import type { BotDeps } from './deps.js';
import { redisReplayCache } from './replay-cache.js';

/**
 * `npm run start:bot`: the Slack bot (HTTP mode on PORT, or Socket Mode when SLACK_APP_TOKEN is
 * set) and the JSON API on the same PORT. Reads the database only; an approved change is handed
 * to the worker through the apply queue (needs REDIS_URL).
 */
await runEntry(async () => {
  const config = loadConfig('bot');
  logger.level = config.LOG_LEVEL;
  const log = logger.child({ module: 'bot' });
  if (config.DATABASE_URL === undefined) throw new Error('loadConfig("bot") guarantees DATABASE_URL');
  const db = createDb(config.DATABASE_URL);
  const redis =
    config.REDIS_URL === undefined ? undefined : new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  redis?.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  const queues = redis === undefined ? undefined : createQueues(redis, config.QUEUE_PREFIX);
  if (queues === undefined)
    log.warn('REDIS_URL is not set: "Apply recommendation" requests will be refused (no queue to run them)');

  const deps: BotDeps = {
    db: db.db,
    config,
    log,
    now: () => new Date(),
    ...(redis === undefined ? {} : { replayCache: redisReplayCache(redis, config.QUEUE_PREFIX, log) }),
    ...(queues === undefined
      ? {}
      : {
          // The action id as job id: a second enqueue of the same approval is a no-op in BullMQ.
          enqueueApply: async (payload) => {
            await enqueueJob(queues, 'apply-recommendation', payload, { jobId: `apply-${payload.actionId}` });
          },
          workerStatus: () => readWorkerStatus(redis!, queues, config.QUEUE_PREFIX),
        }),
  };
  const bot = createApp(deps, apiRoutes({ db: db.db, apiToken: config.API_TOKEN, logger: log }));
  // A bug in one request's handling is logged; it must not stop the bot for everyone else.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection (bot keeps running)'));
  await bot.start();
  log.info({ mode: config.socketMode ? 'socket' : 'http', port: config.PORT }, 'costbot bot started');

  const stop = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'bot received a stop signal');
    const closing = async () => {
      await bot.stop();
      if (queues !== undefined) await closeQueues(queues);
      await redis?.quit();
      await db.close();
    };
    closing().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'bot did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
});
