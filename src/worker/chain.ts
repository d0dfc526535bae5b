import { enqueueJob, toJobId, type JobKind, type Queues } from '../jobs/queues.js';

/**
 * What runs when a step succeeds: new costs are scored at once and new anomalies alerted at
 * once, instead of waiting for a clock.
 *
 * Why not BullMQ flows: a FlowProducer builds the whole tree when it is added, but the tree
 * starts from a job scheduler, which can only add single jobs. Why not the worker's
 * 'completed' event: a process that dies between completing and enqueuing loses the step.
 * Instead the processor enqueues the next steps itself, after the handler and before the job
 * counts as done, under a job id derived from the finished job's id. If the enqueue fails the
 * job fails and is retried; if the job runs again (a retry, a worker killed before BullMQ
 * recorded the completion), the same id is added again and BullMQ ignores the duplicate.
 */
export const NEXT_STEPS: Partial<Record<JobKind, readonly JobKind[]>> = {
  'collect-costs': ['score-anomalies'],
  'score-anomalies': ['post-alerts'],
};

/** The id of the `next` job triggered by job `parentId`; the same parent always gives the same id. */
export function nextStepJobId(next: JobKind, parentId: string): string {
  return toJobId(`${next}.after.${parentId}`);
}

/**
 * Enqueues the steps that follow `kind` and returns their job ids. Steps whose kind is not in
 * `registered` (kinds this worker has handlers for) are left out: nothing here could run them.
 */
export async function enqueueNextSteps(
  queues: Queues,
  registered: readonly JobKind[],
  kind: JobKind,
  parentId: string,
): Promise<string[]> {
  const steps = (NEXT_STEPS[kind] ?? []).filter((next) => registered.includes(next));
  return Promise.all(steps.map((next) => enqueueJob(queues, next, {}, { jobId: nextStepJobId(next, parentId) })));
}
