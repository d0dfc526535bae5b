import type { Job } from 'bullmq';
import { listInstances } from '../db/queries/instances.js';
import { JOB_KIND_SPECS, toJobId, type JobKind, type Queues } from '../jobs/queues.js';
import type { JobContext } from './job-types.js';

/**
 * Fan-out: a run too big for one process (metrics of 10,000 instances, right-sizing them) is
 * split into parts that any worker process takes, and the run finishes when all its parts have.
 *
 * The parts are BullMQ child jobs of the run (`parent` option): BullMQ keeps the run in
 * waiting-children until every part completes, then hands it back to a worker, which sums the
 * parts' counts and only then triggers the next steps. A part that fails for good fails the
 * run (failParentOnFailure), so a partial collection never passes for a complete one. Part ids
 * derive from the run's id, so a run that splits again after a crash re-adds nothing.
 */

/** The id of part `index` of job `parentId`. */
export function partJobId(kind: JobKind, parentId: string, index: number): string {
  return toJobId(`${kind}.part-${index + 1}.of.${parentId}`);
}

/** Adds the parts of `parent` as its child jobs, with the kind's retry policy; returns their ids. */
export async function enqueueParts(
  queues: Queues,
  kind: JobKind,
  parent: Job,
  parts: readonly object[],
): Promise<string[]> {
  const spec = JOB_KIND_SPECS[kind];
  const parentId = parent.id;
  if (parentId === undefined) throw new Error('a job without an id cannot have parts');
  const parentRef = { id: parentId, queue: parent.queueQualifiedName };
  const jobs = await queues[spec.queue].addBulk(
    parts.map((data, index) => ({
      name: kind,
      data,
      opts: { ...spec.options, jobId: partJobId(kind, parentId, index), parent: parentRef, failParentOnFailure: true },
    })),
  );
  return jobs.map((j) => j.id ?? '');
}

/** True when `job` is a split run whose parts have all completed: this run joins them. */
export async function isJoinRun(job: Job): Promise<boolean> {
  const { processed = 0, unprocessed = 0 } = await job.getDependenciesCount({ processed: true, unprocessed: true });
  return processed > 0 && unprocessed === 0;
}

/** The parts' counts summed, e.g. { instances: 10000, metricPoints: 13440000, parts: 10 }. */
export async function joinParts(job: Job): Promise<Record<string, number>> {
  const values = Object.values(await job.getChildrenValues<{ counts?: Record<string, number> }>());
  const counts: Record<string, number> = { parts: values.length };
  for (const value of values) {
    for (const [key, n] of Object.entries(value?.counts ?? {})) counts[key] = (counts[key] ?? 0) + n;
  }
  return counts;
}

/** Splits a run into parts (their payloads), or returns undefined to run it whole. */
export type Splitter<P> = (ctx: JobContext, payload: P) => Promise<object[] | undefined>;

/**
 * For jobs that take `instanceIds` (collect-metrics, rightsize): a run over the whole fleet is
 * split into parts of `partSize` running instances, so that every worker process takes some.
 * A run that already names its instances (a part, or a one-off) runs whole.
 */
export function splitRunningInstances<P extends { instanceIds?: string[] | undefined }>(
  partSize: number,
  /** The instances of a whole-fleet run. @defaultValue the running ones */
  instancesOf: (ctx: JobContext) => Promise<string[]> = async (ctx) =>
    (await listInstances(ctx.db, { states: ['running'] })).map((i) => i.instanceId),
): Splitter<P> {
  return async (ctx, payload) => {
    if (payload.instanceIds !== undefined) return undefined;
    const ids = await instancesOf(ctx);
    if (ids.length <= partSize) return undefined;
    const parts: object[] = [];
    for (let i = 0; i < ids.length; i += partSize) parts.push({ ...payload, instanceIds: ids.slice(i, i + partSize) });
    return parts;
  };
}
