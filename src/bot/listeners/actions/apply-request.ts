import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import {
  createActionRequest,
  decideAction,
  expireAction,
  recordActionEvent,
  setActionMessage,
  type CreateActionResult,
} from '../../../db/queries/actions.js';
import { getRecommendation } from '../../../db/queries/recommendations.js';
import type { Action, Recommendation } from '../../../db/schema/index.js';
import { CostbotError, InputError } from '../../../errors.js';
import type { WebClient } from '../../../slack/client.js';
import { approvalOutcomeMessage, approvalRequestMessage } from '../../../slack/messages/approval.js';
import { REC_ACTION, isApplicable } from '../../../slack/messages/recommendation-card.js';
import { approversConfigured, approversMention } from '../../approvers.js';
import type { BotDeps } from '../../deps.js';
import { failureBody } from '../../respond-when-ready.js';
import { parseId } from '../../../slack/messages/view-state.js';
import { actionValue, clickSurface } from './action-value.js';

export const APPLY_REQUEST = REC_ACTION.apply;

const refuse = (message: string) => new CostbotError('APPROVAL_DENIED', message);

/** The recommendation behind the button, checked to be something the apply path can do. */
async function applicableRecommendation(deps: BotDeps, value: string): Promise<Recommendation> {
  const rec = await getRecommendation(deps.db, parseId(value, 'recommendation'));
  if (rec === undefined)
    throw new InputError('that recommendation is not in the database any more: run /cost rightsize again');
  if (!isApplicable(rec))
    throw refuse(
      `the recommendation for ${rec.instanceId} is ${rec.status} (${rec.finding}) and suggests no type change to apply`,
    );
  if (!approversConfigured(deps.config))
    throw refuse('no approvers are configured: set APPROVERS or APPROVER_USERGROUP');
  if (deps.enqueueApply === undefined)
    throw refuse('the bot has no job queue (REDIS_URL is not set), so an approved change could not run');
  return rec;
}

/**
 * Records the request (one open request per instance). An open request found in the way that
 * expired unanswered is closed first, so it does not block the instance for good.
 */
async function recordRequest(
  deps: BotDeps,
  client: WebClient,
  rec: Recommendation,
  user: string,
  channel: string,
): Promise<CreateActionResult> {
  const now = deps.now();
  const create = () =>
    createActionRequest(deps.db, {
      recommendationId: rec.id,
      instanceId: rec.instanceId,
      accountId: rec.accountId,
      region: rec.region,
      fromType: rec.currentType,
      toType: rec.recommendedType,
      requestedBy: user,
      requestedAt: now,
      expiresAt: new Date(now.getTime() + deps.config.APPROVAL_TTL_HOURS * 3_600_000),
      channel,
    });
  const first = await create();
  if (first.created) return first;
  const expired = await expireAction(deps.db, { id: first.existing.id, at: now });
  if (expired === undefined) return first;
  if (expired.channel !== null && expired.messageTs !== null) {
    await client.chat.update({ channel: expired.channel, ts: expired.messageTs, ...approvalOutcomeMessage(expired) });
  }
  return create();
}

/** Posts the request for the approvers; a request nobody could see is closed again. */
async function postRequest(
  deps: BotDeps,
  client: WebClient,
  a: Action,
  rec: Recommendation,
  channel: string,
): Promise<void> {
  let ts: string | undefined;
  try {
    ts = (await client.chat.postMessage({ channel, ...approvalRequestMessage(a, rec, approversMention(deps.config)) }))
      .ts;
  } catch (err) {
    await decideAction(deps.db, { id: a.id, decision: 'rejected', by: 'costbot', at: deps.now() });
    await recordActionEvent(deps.db, {
      actionId: a.id,
      actor: 'costbot',
      step: 'post-request',
      outcome: 'failed',
      detail: { error: String(err) },
      at: deps.now(),
    });
    throw err;
  }
  if (ts !== undefined) await setActionMessage(deps.db, { id: a.id, channel, messageTs: ts });
}

/**
 * "Apply recommendation": records a pending request (one open request per instance, so a double
 * click finds the first) and posts it for the approvers. Nothing runs until an approver approves.
 */
export function applyRequest(deps: BotDeps) {
  return async ({
    ack,
    action,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const user = body.user.id;
    const log = deps.log.child({ action: action.action_id, user });
    const reply = async (text: string) => {
      if (body.response_url !== undefined) await respond({ response_type: 'ephemeral', replace_original: false, text });
      else
        await client.chat
          .postEphemeral({ channel: deps.config.ALERT_CHANNEL ?? user, user, text })
          .catch((err: unknown) => log.warn({ err }, 'could not reply'));
    };
    try {
      const rec = await applicableRecommendation(deps, actionValue(action));
      const surface = clickSurface(body);
      const channel = surface.kind === 'message' ? surface.channel : deps.config.ALERT_CHANNEL;
      if (channel === undefined)
        throw refuse(
          'click Apply in a channel the approvers can see (or set ALERT_CHANNEL), so the request has somewhere to go',
        );
      const result = await recordRequest(deps, client, rec, user, channel);
      if (!result.created) {
        const e = result.existing;
        await reply(
          `${e.instanceId} already has request #${e.id} (${e.status}, asked by <@${e.requestedBy}>): nothing new was requested.`,
        );
        return;
      }
      await postRequest(deps, client, result.action, rec, channel);
      log.info({ actionId: result.action.id, instanceId: rec.instanceId }, 'apply requested');
      await reply(
        `Approval requested (#${result.action.id}) in <#${channel}>. It expires in ${deps.config.APPROVAL_TTL_HOURS} h.`,
      );
    } catch (err) {
      await reply(failureBody(err, log).text);
    }
  };
}
