import { index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export type JobRunStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

/** One row per attempt of a job, for `/cost status` and the health of the pipeline. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: serial('id').primaryKey(),
    job: text('job').notNull(),
    queueJobId: text('queue_job_id').notNull(),
    attempt: integer('attempt').notNull(),
    status: text('status').$type<JobRunStatus>().notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Rows read/written and similar figures, e.g. { instances: 120, metricPoints: 40320 }. */
    counts: jsonb('counts').$type<Record<string, number>>().notNull().default({}),
    /** Job-specific facts: Athena query id and bytes scanned, why a job was skipped. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    error: text('error'),
  },
  (t) => [
    uniqueIndex('job_runs_job_attempt_key').on(t.job, t.queueJobId, t.attempt),
    index('job_runs_job_started_idx').on(t.job, t.startedAt),
  ],
);

export type JobRun = typeof jobRuns.$inferSelect;
export type NewJobRun = typeof jobRuns.$inferInsert;
