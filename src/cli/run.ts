import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { dayToMs, isoDay } from '../days.js';
import { CostbotError, InputError, QueueUnavailableError } from '../errors.js';
import { readHeartbeats } from '../jobs/heartbeat.js';
import { closeQueues, createQueues, enqueueJob, JOB_KINDS, toJobId, type JobKind } from '../jobs/queues.js';
import { PAYLOAD_SCHEMAS } from '../jobs/schemas/index.js';
import type { CliCommand } from './command.js';
import { followJobs } from './follow-jobs.js';

const usage = 'npm run costbot -- run JOB [--wait] [--as-of YYYY-MM-DD]';

/** Every kind but apply-recommendation, which runs only after a named approver approves it in Slack. */
export const RUNNABLE_KINDS = JOB_KINDS.filter((k) => k !== 'apply-recommendation');

/** Kinds that can run as of a past day; the others say why not (see asOfRefusal). */
const AS_OF_KINDS: readonly JobKind[] = ['collect-costs', 'train-anomaly', 'score-anomalies', 'rightsize', 'forecast'];

function asOfRefusal(kind: JobKind): string {
  return kind === 'post-alerts'
    ? 'post-alerts cannot run --as-of: alerts are about today, and a replay of a past day posts none'
    : `${kind} cannot run --as-of: it reads what AWS has now and cannot go back in time; --as-of applies to ${AS_OF_KINDS.join(', ')}`;
}

export interface RunRequest {
  kind: JobKind;
  wait: boolean;
  payload: Record<string, unknown>;
}

/** Parses and checks the arguments; InputError on anything wrong, before any connection is made. */
export function parseRunArgs(argv: string[], today: Date): RunRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { wait: { type: 'boolean' }, 'as-of': { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new InputError(`${(err as Error).message}; usage: ${usage}`);
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined)
    throw new InputError(`name the job to run; usage: ${usage}; jobs: ${RUNNABLE_KINDS.join(', ')}`);
  if (extra.length > 0)
    throw new InputError(`one job at a time, got "${parsed.positionals.join(' ')}"; usage: ${usage}`);
  if (name === 'apply-recommendation') {
    throw new InputError(
      'apply-recommendation runs only after an approver approves it in Slack ("Apply recommendation")',
    );
  }
  const kind = RUNNABLE_KINDS.find((k) => k === name);
  if (kind === undefined) throw new InputError(`unknown job "${name}"; jobs: ${RUNNABLE_KINDS.join(', ')}`);
  const asOf = parsed.values['as-of'];
  const payload: Record<string, unknown> = {};
  if (asOf !== undefined) {
    try {
      dayToMs(asOf);
    } catch {
      throw new InputError(`--as-of must be a calendar day as YYYY-MM-DD, got "${asOf}"`);
    }
    if (asOf > isoDay(today)) throw new InputError(`--as-of ${asOf} is after today (${isoDay(today)}, UTC)`);
    if (!AS_OF_KINDS.includes(kind)) throw new InputError(asOfRefusal(kind));
    payload['asOf'] = asOf;
  }
  const checked = PAYLOAD_SCHEMAS[kind].safeParse(payload);
  if (!checked.success) throw new InputError(`${kind}: ${z.prettifyError(checked.error).replaceAll('\n', '; ')}`);
  return { kind, wait: parsed.values.wait === true, payload };
}

/** A Redis connection that fails at once, with the socket's reason, when Redis cannot be reached. */
async function connect(url: string): Promise<Redis> {
  let lastError: Error | undefined;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    const u = new URL(url);
    const reason = (lastError ?? (err as Error)).message;
    throw new QueueUnavailableError(
      `cannot reach Redis at ${u.hostname}:${u.port || '6379'} (${reason}): is it running, and is REDIS_URL right?`,
    );
  }
}

/**
 * `run`: enqueues one job of any kind now, on the worker's queues (REDIS_URL, QUEUE_PREFIX); with
 * --wait, waits for it and the jobs it triggers and prints what each did. With --as-of, the job
 * (and the chain after it) works as if on that day. A failed job is an error (exit 2).
 */
export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run a worker job now (--wait: wait for it and the jobs it triggers; --as-of: as if on that day)',
  usage,
  async run(argv) {
    const request = parseRunArgs(argv, new Date());
    const config = loadConfig('run');
    const prefix = config.QUEUE_PREFIX;
    const redis = await connect(config.REDIS_URL!);
    const queues = createQueues(redis, prefix);
    try {
      const workers = await readHeartbeats(redis, prefix);
      if (workers.length === 0 && request.wait) {
        throw new CostbotError(
          'JOB_FAILED',
          `no worker is running on ${prefix} queues of this Redis: start one (npm run start:worker), or run without --wait to leave the job queued for it`,
        );
      }
      const id = await enqueueJob(queues, request.kind, request.payload, {
        jobId: toJobId(`run.${request.kind}.${Date.now()}`),
      });
      const asOf = request.payload['asOf'] === undefined ? '' : ` as of ${String(request.payload['asOf'])}`;
      process.stdout.write(`enqueued ${request.kind}${asOf} as job ${id}\n`);
      if (workers.length === 0) {
        process.stderr.write('note: no worker is running yet; the job runs once one starts (npm run start:worker)\n');
      }
      if (!request.wait) return;
      const report = await followJobs({ queues, redis, prefix, print: (l) => process.stdout.write(`${l}\n`) }, id);
      if (asOf !== '' && (request.kind === 'collect-costs' || request.kind === 'score-anomalies')) {
        process.stdout.write('post-alerts not run: an as-of run replays a past day and posts no alerts\n');
      }
      process.stdout.write(
        `done: ${report.jobs} job(s), ${report.succeeded} succeeded, ${report.skipped} skipped, ${report.failed.length} failed\n`,
      );
      const [first] = report.failed;
      if (first) throw new CostbotError('JOB_FAILED', `${first.kind} (job ${first.id}) failed: ${first.reason}`);
    } finally {
      await closeQueues(queues);
      redis.disconnect();
    }
  },
};
