import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { logger } from '../logger.js';
import { buildRuntime, type RuntimeOptions } from './runtime.js';
import { serveHealth } from './health.js';
import { JOB_KIND_SPECS } from '../jobs/queues.js';
import { startHeartbeat } from '../jobs/heartbeat.js';
import { bootstrapIfFirstStart } from './bootstrap.js';
import { jobRegistry, registeredKinds } from './registry.js';
import { registerSchedules } from './schedules.js';
import { startWorkers, type StartWorkersOptions } from './workers.js';

export interface WorkerProcessOptions extends StartWorkersOptions, Partial<Pick<RuntimeOptions, 'registry' | 'aws'>> {
  /** Port of GET /health; 0 picks a free one. @defaultValue config.HEALTH_PORT */
  healthPort?: number;
  /** How long SIGTERM waits for running jobs. @defaultValue 50 s (compose gives the worker 60 s) */
  shutdownTimeoutMs?: number;
}

export interface WorkerProcess {
  health: Server;
  /** Lets running jobs finish (up to the timeout), then closes Redis and the database pool. */
  close(): Promise<void>;
}

/**
 * Builds the clients once, serves /health, enqueues the first start's chain on an empty database,
 * starts a worker per queue with a heartbeat in Redis, and registers the schedules. The health server comes before the schedules so that a Redis that is not up yet
 * shows as a 503 instead of a process that silently waits.
 */
export async function startWorkerProcess(config: Config, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const log = logger.child({ module: 'worker' });
  const prefix = options.prefix ?? config.QUEUE_PREFIX;
  const registry = options.registry ?? jobRegistry;
  const runtime = buildRuntime(config, { prefix, registry, aws: options.aws });
  // The health check's own connection fails fast (see HealthDeps.redis).
  const healthRedis = new Redis(config.REDIS_URL!, {
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
  });
  healthRedis.on('error', () => {});
  // Before any worker takes a job: a job run now would make the database look used.
  const bootstrap = await bootstrapIfFirstStart(runtime.rt);
  const workers = startWorkers(runtime.rt, runtime.redis, { ...options, prefix });
  const heartbeat = startHeartbeat(healthRedis, prefix, {
    queues: [...new Set(registeredKinds(registry).map((k) => JOB_KIND_SPECS[k].queue))],
  });
  const healthPort = options.healthPort ?? config.HEALTH_PORT;
  const health = await serveHealth(
    { redis: healthRedis, db: runtime.rt.db, queues: runtime.rt.queues, workersRunning: workers.running },
    healthPort,
  );
  const schedules = await registerSchedules(runtime.rt.queues, registry, config);
  log.info({ kinds: registeredKinds(registry), schedules, prefix, healthPort, bootstrap }, 'worker started');

  let closing: Promise<void> | undefined;
  return {
    health,
    close() {
      closing ??= (async () => {
        const timeoutMs = options.shutdownTimeoutMs ?? 50_000;
        log.info({ timeoutMs }, 'stopping: waiting for running jobs');
        if (!(await workers.close(timeoutMs)))
          log.warn('running jobs did not finish in time; other workers will take them over as stalled');
        await heartbeat.stop();
        await new Promise((resolve) => health.close(resolve));
        healthRedis.disconnect();
        await runtime.close();
        log.info('stopped');
      })();
      return closing;
    },
  };
}

/**
 * Runs the worker until SIGTERM or SIGINT, then stops it gracefully and exits 0.
 *
 * An uncaught exception ends the process at once with exit code 1: its state is unknown, and
 * BullMQ hands the jobs it held to the other workers (or to this one restarted) once their
 * locks expire. One such exception is known: postgres.js 3.4.9 throws from a setImmediate when a
 * connection dies under a transaction (porsager/postgres#1208), which no caller can catch.
 */
export async function runWorker(config: Config, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  logger.level = config.LOG_LEVEL;
  process.once('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; exiting so that the jobs this process held are taken over');
    process.exit(1);
  });
  const worker = await startWorkerProcess(config, options);
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'worker received a stop signal');
    void worker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'worker did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return worker;
}
