import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { getAnomaly, setAnomalyFeedback } from '../../../db/queries/anomalies.js';
import { InputError } from '../../../errors.js';
import { anomalyDetailModal } from '../../../slack/messages/anomaly-detail.js';
import { FEEDBACK_LABEL } from '../../../slack/messages/feedback.js';
import { alertMessage } from '../../../slack/messages/alert.js';
import type { BotDeps } from '../../deps.js';
import { failureBody } from '../../respond-when-ready.js';
import { parseId } from '../../../slack/messages/view-state.js';
import { actionValue } from './action-value.js';

/** A single alert's message carries its own anomaly's action block id (a digest has none). */
function isAlertOf(message: Record<string, unknown>, id: number): boolean {
  const blocks = (message['blocks'] ?? []) as { block_id?: string }[];
  return blocks.some((b) => b.block_id === `alert-actions:${id}`);
}

export const ANOMALY_FEEDBACK = /^anomaly_feedback_(valid|expected|not-anomaly)$/;
const answer = z.enum(['valid', 'expected', 'not-anomaly']);

/** Parses "<id>:<answer>" and checks the answer is the button's own (a forged value cannot mix them). */
export function parseFeedback(actionId: string, value: string): { id: number; feedback: z.infer<typeof answer> } {
  const [idText, answerText, ...rest] = value.split(':');
  const parsed = answer.safeParse(answerText);
  if (!parsed.success || rest.length > 0 || actionId !== `anomaly_feedback_${parsed.data}`)
    throw new InputError('that feedback button is not valid');
  return { id: parseId(idText, 'anomaly'), feedback: parsed.data };
}

/** Feedback buttons (valid / expected / not an anomaly): stores the answer on the anomaly. */
export function anomalyFeedback(deps: BotDeps) {
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
      const { id, feedback } = parseFeedback(action.action_id, actionValue(action));
      const updated = await setAnomalyFeedback(deps.db, { id, feedback, by: body.user.id, at: deps.now() });
      if (updated === undefined) throw new InputError(`anomaly #${id} is not in the database`);
      log.info({ anomalyId: id, feedback }, 'anomaly feedback stored');
      if (body.view?.type === 'modal') {
        // Re-render the open detail modal so the chosen answer shows as selected; keep its chart.
        const chart = body.view.blocks.find((b) => b.type === 'image') as
          { slack_file?: { id?: string }; alt_text?: string } | undefined;
        const fileId = chart?.slack_file?.id;
        const slot =
          fileId === undefined
            ? ({ kind: 'none', reason: 'see the alert for the chart' } as const)
            : ({ kind: 'file', fileId, alt: chart?.alt_text ?? 'chart' } as const);
        const fresh = (await getAnomaly(deps.db, id)) ?? updated;
        await client.views.update({
          view_id: body.view.id,
          hash: body.view.hash,
          view: anomalyDetailModal(fresh, slot),
        });
        return;
      }
      const fresh = (await getAnomaly(deps.db, id)) ?? updated;
      if (body.channel !== undefined && body.message !== undefined && isAlertOf(body.message, id)) {
        // The alert itself shows who said what; its chart (a file already shared) is kept.
        const image = (body.message['blocks'] as { type?: string; slack_file?: { id?: string } }[] | undefined)?.find(
          (b) => b.type === 'image',
        );
        await client.chat.update({
          channel: body.channel.id,
          ts: body.message.ts,
          ...alertMessage(fresh, image?.slack_file?.id),
        });
      }
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Thanks: anomaly #${id} marked “${FEEDBACK_LABEL[feedback]}”. It is stored with the anomaly${feedback === 'valid' ? '' : ', and its alert gets no further updates'}.`,
      });
    } catch (err) {
      if (body.response_url !== undefined)
        await respond({ response_type: 'ephemeral', replace_original: false, ...failureBody(err, log) });
      else log.warn({ err }, 'feedback failed');
    }
  };
}
