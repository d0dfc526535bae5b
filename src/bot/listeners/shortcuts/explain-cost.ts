import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { findAlertsByMessage } from '../../../db/queries/alerts.js';
import { modal, section } from '../../../slack/messages/kit.js';
import type { AppDeps } from '../../deps.js';
import { openAnomalyDetail } from '../../detail-modals.js';

export const EXPLAIN_COST_SHORTCUT = 'explain_cost';

/**
 * Message shortcut "Explain this cost" on an alert: the alert is found by its channel and
 * timestamp in `alerts` (not by anything written in the message), then its detail modal opens.
 */
export function explainCostShortcut(deps: AppDeps) {
  return async ({
    ack,
    shortcut,
    client,
  }: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const log = deps.log.child({ shortcut: EXPLAIN_COST_SHORTCUT, user: shortcut.user.id });
    const found = await findAlertsByMessage(deps.db, { channel: shortcut.channel.id, messageTs: shortcut.message.ts });
    const anomalyIds = [...new Set(found.map((a) => a.anomalyId))];
    const [first] = anomalyIds;
    if (first === undefined) {
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: modal('Explain this cost', [
          section(
            'This message is not a costbot alert, so there is no anomaly to explain. Use the shortcut on an alert posted by costbot, or run `/cost anomalies`.',
          ),
        ]),
      });
      return;
    }
    // A digest covers several anomalies: explain the one with the largest impact first (they are listed in the digest).
    await openAnomalyDetail(
      deps,
      { client, triggerId: shortcut.trigger_id, userId: shortcut.user.id, push: false, log },
      first,
    );
  };
}
