import type { AwsClients } from '../../../aws/clients.js';
import { resizeInstance, type StepEvent } from '../../../aws/ec2-modify.js';
import { approvalOutcomeMessage } from '../../../slack/messages/approval.js';
import {
  finishAction,
  getAction,
  recordActionEvent,
  startAction,
  type FinalStatus,
} from '../../../db/queries/actions.js';
import { markRecommendationApplied } from '../../../db/queries/recommendations.js';
import type { Action } from '../../../db/schema/index.js';
import type { Poster } from '../../../slack/poster.js';
import type { JobContext, JobHandler } from '../../job-types.js';
import type { ApplyRecommendationPayload } from '../../../jobs/schemas/apply.js';

/** What the apply job needs beyond the common context. */
export interface ApplyDeps {
  aws: Pick<AwsClients, 'ec2' | 'accountFor'>;
  /** Posts progress to the request's thread; undefined = progress goes to action_events only. */
  slack?: Poster;
  /** Waiter pacing, seconds (tests shorten it). @defaultValue resizeInstance's */
  waiter?: { minDelaySeconds: number; maxDelaySeconds: number; maxWaitSeconds: number };
}

const STEP_TEXT: Record<string, string> = {
  'describe-instance':
    'Pre-flight: instance found with the expected type, not in an Auto Scaling group, not spot, EBS-backed',
  'check-target-type': 'Pre-flight: the new type runs this architecture and is offered in the availability zone',
  'dry-run': 'Dry run: EC2 allows stop, modify and start',
  stop: 'Stopped',
  modify: 'Instance type changed',
  start: 'Started',
  verify: 'Verified: the instance reports its new type',
  'rollback-modify': 'Rollback: old type restored',
  'rollback-start': 'Rollback: started again with the old type',
};

function stepLine(a: Action, e: StepEvent): string {
  if (e.outcome === 'failed') return `:x: #${a.id} ${e.step} failed: ${String(e.detail['error'] ?? 'unknown error')}`;
  return `:white_check_mark: #${a.id} ${STEP_TEXT[e.step] ?? e.step}`;
}

/**
 * The apply's messages in the request's thread: one progress message, posted at the start and
 * edited as each step finishes, then one final result. Calls are made one after another from the
 * job, so the thread reads in order. Slack trouble is logged and never stops the change half-way.
 */
function threadProgress(ctx: JobContext & ApplyDeps, a: Action) {
  const lines: string[] = [];
  let progressTs: string | undefined;
  const target = ctx.slack === undefined || a.channel === null || a.messageTs === null ? undefined : ctx.slack;
  const safely = async (what: string, fn: (slack: Poster, channel: string, threadTs: string) => Promise<void>) => {
    if (target === undefined) return;
    try {
      await fn(target, a.channel!, a.messageTs!);
    } catch (err) {
      ctx.log.warn({ err, actionId: a.id }, `could not ${what} in the request thread`);
    }
  };
  return {
    /** Adds a line to the progress message (posting it the first time). */
    step: (line: string) =>
      safely('update apply progress', async (slack, channel, threadTs) => {
        lines.push(line);
        const text = lines.join('\n');
        if (progressTs === undefined) progressTs = await slack.post({ channel, thread_ts: threadTs, text });
        else await slack.update({ channel, ts: progressTs, text });
      }),
    /** The final result, its own message so the thread notifies it. */
    result: (text: string) =>
      safely('post the apply result', async (slack, channel, threadTs) => {
        await slack.post({ channel, thread_ts: threadTs, text });
      }),
  };
}

async function updateRequestMessage(ctx: JobContext & ApplyDeps, a: Action): Promise<void> {
  if (ctx.slack === undefined || a.channel === null || a.messageTs === null) return;
  try {
    await ctx.slack.update({ channel: a.channel, ts: a.messageTs, ...approvalOutcomeMessage(a) });
  } catch (err) {
    ctx.log.warn({ err, actionId: a.id }, 'could not update the approval message');
  }
}

/**
 * Runs an approved change. The approved -> running transition is one conditional UPDATE, so a
 * repeated or replayed job finds the action already running or finished and applies nothing.
 */
export const applyRecommendation: JobHandler<ApplyDeps, ApplyRecommendationPayload> = async (ctx, payload) => {
  const started = await startAction(ctx.db, { id: payload.actionId, at: ctx.now() });
  if (started === undefined) {
    const current = await getAction(ctx.db, payload.actionId);
    return {
      counts: { applied: 0 },
      skipped: `action #${payload.actionId} is ${current?.status ?? 'unknown'}, not approved: nothing applied`,
    };
  }
  const a = started;
  const log = ctx.log.child({ actionId: a.id, instanceId: a.instanceId });
  const record = (e: StepEvent) =>
    recordActionEvent(ctx.db, {
      actionId: a.id,
      actor: 'costbot',
      step: e.step,
      outcome: e.outcome,
      detail: e.detail,
      at: ctx.now(),
    });
  await record({ step: 'started', outcome: 'info', detail: { from: a.fromType, to: a.toType } });
  const thread = threadProgress(ctx, a);
  await thread.step(`:gear: #${a.id} started: ${a.instanceId} ${a.fromType} → ${a.toType}`);
  let status: FinalStatus;
  let error: string | undefined;
  try {
    const ec2 = ctx.aws.ec2(ctx.aws.accountFor(a.accountId), a.region);
    const outcome = await resizeInstance(
      ec2,
      { instanceId: a.instanceId, fromType: a.fromType, toType: a.toType },
      {
        ...ctx.waiter,
        onStep: async (e) => {
          await record(e);
          await thread.step(stepLine(a, e));
        },
      },
    );
    status = outcome.status;
    if (outcome.status !== 'succeeded')
      error =
        'rollbackError' in outcome ? `${outcome.error}; rollback failed: ${outcome.rollbackError}` : outcome.error;
  } catch (err) {
    status = 'failed';
    error = `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
    log.error({ err }, 'apply failed unexpectedly');
  }
  const finished =
    (await finishAction(ctx.db, { id: a.id, status, ...(error === undefined ? {} : { error }), at: ctx.now() })) ?? a;
  if (status === 'succeeded') await markRecommendationApplied(ctx.db, a.recommendationId);
  await record({
    step: 'finished',
    outcome: status === 'succeeded' ? 'ok' : 'failed',
    detail: { status, ...(error === undefined ? {} : { error }) },
  });
  await updateRequestMessage(ctx, finished);
  const done =
    status === 'succeeded'
      ? `:white_check_mark: #${a.id} done: ${a.instanceId} now runs as ${a.toType}.`
      : status === 'rolled-back'
        ? `:leftwards_arrow_with_hook: #${a.id} failed and was rolled back to ${a.fromType}: ${error ?? ''}`
        : `:rotating_light: #${a.id} failed: ${error ?? ''}. Please check ${a.instanceId}.`;
  await thread.result(done);
  log.info({ status }, 'apply finished');
  return {
    counts: { applied: status === 'succeeded' ? 1 : 0 },
    details: { actionId: a.id, status, ...(error === undefined ? {} : { error }) },
  };
};
