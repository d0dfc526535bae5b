import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { decideAction, expireAction, getAction, recordActionEvent } from '../../../db/queries/actions.js';
import type { Action } from '../../../db/schema/index.js';
import { CostbotError, InputError } from '../../../errors.js';
import type { WebClient } from '../../../slack/client.js';
import { APPROVAL_ACTION, approvalOutcomeMessage } from '../../../slack/messages/approval.js';
import { isApprover } from '../../approvers.js';
import type { BotDeps } from '../../deps.js';
import { failureBody } from '../../respond-when-ready.js';
import { parseId } from '../../../slack/messages/view-state.js';
import { actionValue } from './action-value.js';

export const APPLY_DECISION = new RegExp(`^(${APPROVAL_ACTION.approve}|${APPROVAL_ACTION.reject})$`);

const refuse = (message: string) => new CostbotError('APPROVAL_DENIED', message);

/** Refreshes the approval message (found through the database, never the payload) and adds a thread line. */
async function announce(client: WebClient, a: Action, threadText: string): Promise<void> {
  if (a.channel === null || a.messageTs === null) return;
  await client.chat.update({ channel: a.channel, ts: a.messageTs, ...approvalOutcomeMessage(a) });
  await client.chat.postMessage({ channel: a.channel, thread_ts: a.messageTs, text: threadText });
}

/** Checks who may decide: approvers approve; approvers or the requester (withdrawing) reject. */
async function checkDecider(
  deps: BotDeps,
  client: WebClient,
  a: Action,
  user: string,
  approve: boolean,
  log: BotDeps['log'],
): Promise<void> {
  const approver = await isApprover(client, deps.config, user, log);
  const self = user === a.requestedBy;
  let reason: string | undefined;
  if (approve && !approver) reason = 'only the configured approvers can approve a change';
  else if (approve && self && !deps.config.ALLOW_SELF_APPROVAL)
    reason = 'you asked for this change, so another approver must approve it (ALLOW_SELF_APPROVAL is off)';
  else if (!approve && !approver && !self) reason = 'only an approver or the requester can reject this request';
  if (reason === undefined) return;
  await recordActionEvent(deps.db, {
    actionId: a.id,
    actor: user,
    step: approve ? 'approve-refused' : 'reject-refused',
    outcome: 'failed',
    detail: { reason },
    at: deps.now(),
  });
  throw refuse(reason);
}

/**
 * Approve / Reject on an approval request. The action id in the button is untrusted: the row is
 * loaded, the clicker checked against the approvers, and the state changed by one conditional
 * UPDATE, so a replayed or double click finds the request already decided and changes nothing.
 */
export function applyDecision(deps: BotDeps) {
  return async ({
    ack,
    action,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const user = body.user.id;
    const approve = action.action_id === APPROVAL_ACTION.approve;
    const log = deps.log.child({ action: action.action_id, user });
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    try {
      const id = parseId(actionValue(action), 'request');
      const a = await getAction(deps.db, id);
      if (a === undefined) throw new InputError(`request #${id} is not in the database`);
      await checkDecider(deps, client, a, user, approve, log);
      const now = deps.now();
      const expired = await expireAction(deps.db, { id, at: now });
      if (expired !== undefined) {
        await announce(
          client,
          expired,
          `Request #${id} expired at ${expired.expiresAt.toISOString()} without a decision; nothing was changed.`,
        );
        throw refuse(`request #${id} expired; ask again with Apply recommendation`);
      }
      const decided = await decideAction(deps.db, {
        id,
        decision: approve ? 'approved' : 'rejected',
        by: user,
        at: now,
      });
      if (decided === undefined) {
        const current = (await getAction(deps.db, id)) ?? a;
        await recordActionEvent(deps.db, {
          actionId: id,
          actor: user,
          step: approve ? 'approve-ignored' : 'reject-ignored',
          outcome: 'info',
          detail: { status: current.status },
          at: now,
        });
        throw refuse(`request #${id} is already ${current.status}; nothing was done`);
      }
      log.info({ actionId: id, decision: decided.status }, 'apply request decided');
      if (!approve) {
        await announce(client, decided, `<@${user}> rejected request #${id}; nothing was changed.`);
        await reply(`Request #${id} rejected.`);
        return;
      }
      await queue(deps, client, decided, user);
      await reply(`Request #${id} approved; the change is queued. Progress is posted in the request’s thread.`);
    } catch (err) {
      await reply(failureBody(err, log).text);
    }
  };
}

/**
 * Says "approved" in the thread first, then queues the job: the worker's progress can only follow
 * the approval line, never precede it.
 */
async function queue(deps: BotDeps, client: WebClient, a: Action, user: string): Promise<void> {
  // The change is queued even if Slack does not take the line (the approval is recorded).
  await announce(
    client,
    a,
    `<@${user}> approved request #${a.id}. Queued: pre-flight checks, dry run, stop, resize to ${a.toType}, start.`,
  ).catch((err: unknown) => deps.log.warn({ err, actionId: a.id }, 'could not announce the approval in Slack'));
  try {
    if (deps.enqueueApply === undefined) throw new Error('the bot has no job queue (REDIS_URL is not set)');
    await deps.enqueueApply({ actionId: a.id });
    await recordActionEvent(deps.db, {
      actionId: a.id,
      actor: 'costbot',
      step: 'queued',
      outcome: 'info',
      at: deps.now(),
    });
  } catch (err) {
    await recordActionEvent(deps.db, {
      actionId: a.id,
      actor: 'costbot',
      step: 'queued',
      outcome: 'failed',
      detail: { error: String(err) },
      at: deps.now(),
    });
    if (a.channel !== null && a.messageTs !== null)
      await client.chat.postMessage({
        channel: a.channel,
        thread_ts: a.messageTs,
        text: `Request #${a.id} could not be queued: ${String(err)}. Nothing was changed.`,
      });
    throw err;
  }
}
