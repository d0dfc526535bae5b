import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { REC_ACTION } from '../../../slack/messages/recommendation-card.js';
import { ACTION } from '../../../slack/messages/anomaly-list.js';
import type { AppDeps } from '../../deps.js';
import { openAnomalyDetail, openRecommendationDetail } from '../../detail-modals.js';
import { failureBody } from '../../respond-when-ready.js';
import { parseId } from '../../../slack/messages/view-state.js';
import { actionValue } from './action-value.js';

export const ANOMALY_DETAIL = ACTION.detail;
export const RECOMMENDATION_DETAIL = REC_ACTION.detail;

/** "Details" on an anomaly or a recommendation: the value is an untrusted id, looked up before anything is shown. */
export function openDetail(deps: AppDeps, kind: 'anomaly' | 'recommendation') {
  return async ({
    ack,
    action,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const log = deps.log.child({ action: action.action_id, user: body.user.id });
    try {
      const id = parseId(actionValue(action), kind);
      const params = {
        client,
        triggerId: body.trigger_id,
        userId: body.user.id,
        push: body.view?.type === 'modal',
        log,
      };
      if (kind === 'anomaly') await openAnomalyDetail(deps, params, id);
      else await openRecommendationDetail(deps, params, id);
    } catch (err) {
      if (body.response_url !== undefined)
        await respond({ response_type: 'ephemeral', replace_original: false, ...failureBody(err, log) });
      else log.warn({ err }, 'detail view failed');
    }
  };
}
