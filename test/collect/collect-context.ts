import { pino } from 'pino';
import { createAwsClients, type AwsClientOptions, type AwsClients } from '../../src/aws/clients.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import { AwsUsageMeter } from '../../src/cost/aws-usage.js';
import type { JobContext } from '../../src/worker/job-types.js';

/** Credentials the stand-ins accept (they read the key id to tell accounts apart; nothing is verified). */
export const STANDIN_CREDENTIALS = { accessKeyId: 'AKIDSTANDINDEFAULT', secretAccessKey: 'standin-secret' };

export interface CollectContextOptions {
  db: Db;
  env: Record<string, string>;
  endpoints: AwsClientOptions['endpoints'];
  now: Date;
  /** @defaultValue 1500 ms: long enough for a loaded CI machine, short enough for the timeout tests. */
  requestTimeoutMs?: number;
}

export type CollectContext = JobContext & {
  aws: AwsClients;
  config: Config;
  clock: { now: Date };
  usage: AwsUsageMeter;
};

/**
 * The context a worker hands a collection job, built the way the worker builds it (loadConfig,
 * createAwsClients with the production retry settings) but with the endpoints of the stand-ins.
 */
export function collectContext(o: CollectContextOptions): CollectContext {
  const config = loadConfig('migrate', { DATABASE_URL: 'postgres://unused@127.0.0.1/unused', ...o.env });
  const aws = createAwsClients(config, {
    endpoints: o.endpoints,
    credentials: STANDIN_CREDENTIALS,
    requestTimeoutMs: o.requestTimeoutMs ?? 1500,
  });
  const clock = { now: o.now };
  // A meter per context, as the worker gives one per attempt.
  const usage = new AwsUsageMeter();
  return { db: o.db, config, log: pino({ level: 'silent' }), now: () => clock.now, aws, clock, usage };
}
