import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { ZERO_USAGE, type AwsUsageCounts } from '../../cost/aws-usage.js';
import type { Db } from '../client.js';
import { jobRuns, type JobRun, type JobRunStatus } from '../schema/job-runs.js';

export interface JobRunKey {
  /** The job kind, e.g. "collect-costs". */
  job: string;
  /** BullMQ job id; the same id across the attempts of one job. */
  queueJobId: string;
  /** 1-based; counts every start, including one cut short by a dead worker. */
  attempt: number;
}

/**
 * Records that an attempt started and returns its row id. Upserts on (job, queue job id,
 * attempt) so that a start replayed after a lost acknowledgement does not add a second row.
 */
export async function startJobRun(db: Db, key: JobRunKey, startedAt: Date): Promise<number> {
  const [row] = await db
    .insert(jobRuns)
    .values({ ...key, status: 'running', startedAt })
    .onConflictDoUpdate({
      target: [jobRuns.job, jobRuns.queueJobId, jobRuns.attempt],
      set: { status: 'running', startedAt, finishedAt: null, error: null, counts: {}, details: {} },
    })
    .returning({ id: jobRuns.id });
  if (!row) throw new Error(`job_runs: no row returned for ${key.job} ${key.queueJobId}`);
  return row.id;
}

export interface JobRunEnd {
  status: Exclude<JobRunStatus, 'running'>;
  finishedAt: Date;
  counts?: Record<string, number>;
  details?: Record<string, unknown>;
  error?: string;
}

export async function finishJobRun(db: Db, id: number, end: JobRunEnd): Promise<void> {
  await db
    .update(jobRuns)
    .set({
      status: end.status,
      finishedAt: end.finishedAt,
      counts: end.counts ?? {},
      details: end.details ?? {},
      error: end.error ?? null,
    })
    .where(eq(jobRuns.id, id));
}

/**
 * Closes earlier attempts of the same job still marked running: their worker died (SIGKILL,
 * lost lock) and BullMQ handed the job to another one. Returns how many rows it closed.
 */
export async function closeInterruptedRuns(db: Db, key: JobRunKey, finishedAt: Date): Promise<number> {
  const rows = await db
    .update(jobRuns)
    .set({
      status: 'failed',
      finishedAt,
      error: `interrupted: the worker stopped during this attempt; attempt ${key.attempt} took over`,
    })
    .where(
      and(
        eq(jobRuns.job, key.job),
        eq(jobRuns.queueJobId, key.queueJobId),
        lt(jobRuns.attempt, key.attempt),
        eq(jobRuns.status, 'running'),
      ),
    )
    .returning({ id: jobRuns.id });
  return rows.length;
}

/**
 * The most recent run of each job, for `/cost status`; a skipped run has its reason in
 * `details.skipped`, a failed one its error in `error`.
 */
export async function latestJobRuns(db: Db): Promise<JobRun[]> {
  return db
    .selectDistinctOn([jobRuns.job])
    .from(jobRuns)
    .orderBy(jobRuns.job, desc(jobRuns.startedAt), desc(jobRuns.id));
}

/** Runs of one BullMQ job, oldest attempt first. */
export async function jobRunsOf(db: Db, queueJobId: string): Promise<JobRun[]> {
  return db.select().from(jobRuns).where(eq(jobRuns.queueJobId, queueJobId)).orderBy(jobRuns.attempt);
}

/** True once any job has run against this database (the worker's first start is when none has). */
export async function anyJobRun(db: Db): Promise<boolean> {
  const rows = await db.select({ id: jobRuns.id }).from(jobRuns).limit(1);
  return rows.length > 0;
}

/** costbot's own paid AWS calls over the runs started in [from, to). */
export interface AwsUsageTotal {
  counts: AwsUsageCounts;
  /** Attempts that made paid calls (failed ones included: AWS bills their calls too). */
  runs: number;
  /** Paid calls per job kind, to tell which job costs what. */
  byJob: Record<string, AwsUsageCounts>;
}

/**
 * Adds up job_runs.details.awsUsage (stored by the worker for every attempt that made paid AWS
 * calls) over the runs started in [from, to), per job kind and in total.
 */
export async function awsUsageBetween(db: Db, p: { from: Date; to: Date }): Promise<AwsUsageTotal> {
  const keys = Object.keys(ZERO_USAGE) as (keyof AwsUsageCounts)[];
  const sums = keys.map((k) => sql`coalesce(sum((${jobRuns.details}->'awsUsage'->>${k})::numeric), 0)::float8`);
  const rows = await db
    .select({
      job: jobRuns.job,
      runs: sql<number>`count(*)::int`,
      sums: sql<number[]>`array[${sql.join(sums, sql`, `)}]`,
    })
    .from(jobRuns)
    .where(and(gte(jobRuns.startedAt, p.from), lt(jobRuns.startedAt, p.to), sql`${jobRuns.details} ? 'awsUsage'`))
    .groupBy(jobRuns.job)
    .orderBy(jobRuns.job);
  const total: AwsUsageTotal = { counts: { ...ZERO_USAGE }, runs: 0, byJob: {} };
  for (const row of rows) {
    const counts = Object.fromEntries(keys.map((k, i) => [k, Number(row.sums[i] ?? 0)])) as unknown as AwsUsageCounts;
    total.byJob[row.job] = counts;
    total.runs += row.runs;
    for (const k of keys) total.counts[k] += counts[k];
  }
  return total;
}
