import { z } from 'zod';
import { enqueueJob, JOB_KINDS, toJobId, type JobKind, type Queues } from '../jobs/queues.js';
import { daySchema } from '../ids.js';

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

/** Alerts are about today: the chain of an as-of run (a replay of a past day) posts nothing. */
const NOT_REPLAYED: readonly JobKind[] = ['post-alerts'];

/**
 * Fields of a job's data that the chain reads besides the kind's own payload: `asOf`, passed on
 * to the steps it triggers, and `then`, a sequence of kinds run one after the other (the first
 * start's collection chain, see bootstrap.ts). Payload schemas ignore `then`.
 */
export const chainFields = z.object({
  asOf: daySchema.optional(),
  then: z.array(z.enum(JOB_KINDS)).optional(),
});
export type ChainFields = z.infer<typeof chainFields>;

/** How the finished job ended: only a success triggers the usual next steps. */
export type StepEnd = 'succeeded' | 'skipped' | 'failed';

export interface NextStep {
  kind: JobKind;
  payload: ChainFields;
}

/**
 * The steps that follow a job of `kind` with chain fields `fields`: the next kind of its sequence
 * whatever the end (each step works on what is stored, so one that could not run does not stop
 * the others), and, after a success, the kind's usual next steps, less those the sequence runs
 * later and, for an as-of run, less the alerts. Kinds not in `registered` are left out.
 */
export function nextSteps(
  kind: JobKind,
  fields: ChainFields,
  end: StepEnd,
  registered: readonly JobKind[],
): NextStep[] {
  const asOf = fields.asOf === undefined ? {} : { asOf: fields.asOf };
  const sequence = (fields.then ?? []).filter((k) => registered.includes(k));
  const steps: NextStep[] = [];
  if (sequence.length > 0) {
    const rest = sequence.slice(1);
    steps.push({ kind: sequence[0]!, payload: { ...asOf, ...(rest.length > 0 ? { then: rest } : {}) } });
  }
  if (end === 'succeeded') {
    for (const next of NEXT_STEPS[kind] ?? []) {
      if (!registered.includes(next) || sequence.includes(next)) continue;
      if (fields.asOf !== undefined && NOT_REPLAYED.includes(next)) continue;
      steps.push({ kind: next, payload: asOf });
    }
  }
  return steps;
}

/** The id of the `next` job triggered by job `parentId`; the same parent always gives the same id. */
export function nextStepJobId(next: JobKind, parentId: string): string {
  return toJobId(`${next}.after.${parentId}`);
}

/**
 * Enqueues the steps that follow `kind` (see nextSteps) and returns their job ids. `data` is the
 * finished job's raw data, from which only the chain fields are read.
 */
export async function enqueueNextSteps(
  queues: Queues,
  registered: readonly JobKind[],
  kind: JobKind,
  parentId: string,
  options: { data?: unknown; end?: StepEnd } = {},
): Promise<string[]> {
  const parsed = chainFields.safeParse(options.data ?? {});
  const fields = parsed.success ? parsed.data : {};
  const steps = nextSteps(kind, fields, options.end ?? 'succeeded', registered);
  return Promise.all(
    steps.map((s) => enqueueJob(queues, s.kind, s.payload, { jobId: nextStepJobId(s.kind, parentId) })),
  );
}
