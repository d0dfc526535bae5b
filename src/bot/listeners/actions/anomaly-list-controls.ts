import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { BotDeps } from '../../deps.js';
import { anomaliesPage } from '../../pages/anomalies.js';
import { respondWhenReady } from '../../respond-when-ready.js';
import { decodeAnomalyState } from '../../../slack/messages/view-state.js';
import { actionValue } from './action-value.js';

/** Filters, sort and paging of the anomaly list: the control's value is the whole new state. */
export const ANOMALY_CONTROLS = /^anomalies_(range|severity|service|sort|page_prev|page_next)$/;

export function anomalyListControls(deps: BotDeps) {
  return async ({
    ack,
    action,
    respond,
    body,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const log = deps.log.child({ action: action.action_id, user: body.user.id });
    await respondWhenReady(respond, () => anomaliesPage(deps, decodeAnomalyState(actionValue(action))), {
      replace: true,
      loadingNoticeMs: deps.loadingNoticeMs,
      log,
    });
  };
}
