import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { BotDeps } from '../../deps.js';
import { recommendationsPage } from '../../pages/recommendations.js';
import { respondWhenReady } from '../../respond-when-ready.js';
import { decodeRecommendationState } from '../../../slack/messages/view-state.js';
import { actionValue } from './action-value.js';

export const RECOMMENDATION_PAGING = /^recommendations_page_(prev|next)$/;

export function recommendationPaging(deps: BotDeps) {
  return async ({
    ack,
    action,
    respond,
    body,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const log = deps.log.child({ action: action.action_id, user: body.user.id });
    await respondWhenReady(respond, () => recommendationsPage(deps, decodeRecommendationState(actionValue(action))), {
      replace: true,
      loadingNoticeMs: deps.loadingNoticeMs,
      log,
    });
  };
}
