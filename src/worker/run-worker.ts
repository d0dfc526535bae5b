import type { Config } from '../config.js';
import { logger } from '../logger.js';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions } from './worker-process.js';

/**
 * Runs the worker until SIGTERM or SIGINT, then stops it gracefully (CONVENTIONS 8) and exits 0.
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
