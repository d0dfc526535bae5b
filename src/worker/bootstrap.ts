import { sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import { executeRows, type Db } from '../db/client.js';
import { anyJobRun } from '../db/queries/job-runs.js';
import { enqueueJob, toJobId, type JobKind, type Queues } from '../jobs/queues.js';
import type { Logger } from '../logger.js';
import { registeredKinds, type JobRegistry } from './registry.js';

/**
 * The first start's collection chain, one step after the other (each triggers the next, see
 * chain.ts): collect what AWS has, then train, score, right-size and forecast on it, so that a
 * new install shows results within the hour instead of after the next morning's crons.
 */
export const BOOTSTRAP_SEQUENCE: readonly JobKind[] = [
  'collect-inventory',
  'collect-prices',
  'collect-metrics',
  'collect-costs',
  'train-anomaly',
  'score-anomalies',
  'rightsize',
  'forecast',
];

export interface BootstrapDeps {
  db: Db;
  queues: Queues;
  registry: JobRegistry;
  config: Pick<Config, 'BOOTSTRAP_ON_START'>;
  log: Logger;
}

/**
 * On a database where no job has ever run, enqueues BOOTSTRAP_SEQUENCE (unless
 * BOOTSTRAP_ON_START=false) and returns the first job's id. The id is derived from the database's
 * OID, so workers starting together add it once, and a restart adds nothing: by then job_runs has
 * rows, or, if not yet, BullMQ still knows the id. A database dropped and created again gets a new
 * OID, hence a new chain.
 */
export async function bootstrapIfFirstStart(deps: BootstrapDeps): Promise<string | undefined> {
  if (!deps.config.BOOTSTRAP_ON_START) return undefined;
  if (await anyJobRun(deps.db)) return undefined;
  const registered = registeredKinds(deps.registry);
  const [first, ...then] = BOOTSTRAP_SEQUENCE.filter((k) => registered.includes(k));
  if (first === undefined) return undefined;
  const [row] = await executeRows<{ oid: string }>(
    deps.db,
    sql`select oid::text as oid from pg_database where datname = current_database()`,
  );
  const id = await enqueueJob(
    deps.queues,
    first,
    { then },
    { jobId: toJobId(`bootstrap.db-${row?.oid ?? 'unknown'}`) },
  );
  deps.log.info({ jobId: id, steps: [first, ...then] }, 'first start: collecting and analysing now');
  return id;
}
