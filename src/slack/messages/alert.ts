import type { Alert, Anomaly } from '../../db/schema/index.js';
import { ACTION as LIST_ACTION, anomalySummaryFields, anomalyTitle } from './anomaly-list.js';
import { rootCauseText } from './anomaly-detail.js';
import { FEEDBACK_ACTION, FEEDBACK_LABEL, feedbackValue } from './feedback.js';
import { dayRange, money, SEVERITY_BADGE } from './format.js';
import { actions, button, context, header, section, slackFileImage, type Block, type MessageBody } from './kit.js';
import { scopeLabel } from './scope-label.js';
import { TIP } from './tooltips.js';

/** More new anomalies than this at once (per channel) go out as one digest. */
export const DIGEST_THRESHOLD = 3;
/** Anomalies listed in one digest message (2 blocks each, under the 50-block limit). */
export const DIGEST_MAX_ROWS = 20;

function alertActions(a: Anomaly): Block {
  return actions(
    [
      button('Details', LIST_ACTION.detail, String(a.id)),
      ...(['valid', 'expected', 'not-anomaly'] as const).map((ans) =>
        button(FEEDBACK_LABEL[ans], `${FEEDBACK_ACTION}_${ans}`, feedbackValue(a.id, ans)),
      ),
    ],
    `alert-actions:${a.id}`,
  );
}

/** One anomaly alert: what, when, how much, why, the chart (when uploaded) and the feedback buttons. */
export function alertMessage(a: Anomaly, chartFileId?: string): MessageBody {
  const status = a.status === 'open' ? 'ongoing' : 'ended';
  const blocks: Block[] = [
    section(
      `:rotating_light: *Cost anomaly* ${SEVERITY_BADGE[a.severity]} *${anomalyTitle(a)}*\n${dayRange(a.startDay, a.endDay)} · ${a.durationDays} d · ${status}`,
      {
        fields: anomalySummaryFields(a),
      },
    ),
    section(`*Root cause*\n${rootCauseText(a)}`),
  ];
  if (chartFileId !== undefined)
    blocks.push(slackFileImage(chartFileId, `Daily cost of ${scopeLabel(a)} around the anomaly`, 'Daily cost'));
  blocks.push(context(TIP.score, TIP.severity), alertActions(a));
  return {
    text: `${a.severity} cost anomaly: ${scopeLabel(a)}, impact ${money(a.impactUsd)} (${dayRange(a.startDay, a.endDay)})`,
    blocks,
  };
}

/** Many new anomalies at once: one message listing them, each with its Details button. */
export function digestMessage(list: Anomaly[]): MessageBody {
  const shown = list.slice(0, DIGEST_MAX_ROWS);
  const total = list.reduce((s, a) => s + a.impactUsd, 0);
  const blocks: Block[] = [
    header(`${list.length} new cost anomalies`),
    context(`Total impact ${money(total)} · open one with Details for its chart, root cause and feedback`),
  ];
  for (const a of shown) {
    blocks.push(
      section(
        `${SEVERITY_BADGE[a.severity]} *${anomalyTitle(a)}*\n${dayRange(a.startDay, a.endDay)} · impact ${money(a.impactUsd)} · score ${a.score.toFixed(2)}`,
        {
          accessory: button('Details', LIST_ACTION.detail, String(a.id)),
        },
      ),
    );
  }
  if (list.length > shown.length)
    blocks.push(context(`…and ${list.length - shown.length} more: \`/cost anomalies 7d\``));
  blocks.push(context(TIP.score));
  return { text: `${list.length} new cost anomalies, total impact ${money(total)}`, blocks };
}

const RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/** What changed since the alert was posted, for the thread; undefined when nothing worth saying did. */
export function alertChange(
  a: Anomaly,
  posted: Pick<Alert, 'postedSeverity' | 'postedImpactUsd' | 'postedEndDay'>,
): string | undefined {
  const postedRank = RANK[posted.postedSeverity as keyof typeof RANK] ?? 0;
  if (a.status === 'closed') {
    return `:white_check_mark: Ended on ${a.endDay} after ${a.durationDays} d. Total impact ${money(a.impactUsd)} (actual ${money(a.actualUsd)} vs expected ${money(a.expectedUsd)}).`;
  }
  const grewSeverity = RANK[a.severity] > postedRank;
  // Impact is signed (a cost drop is negative): growth is in size, by 10 % and at least $1.
  const now = Math.abs(a.impactUsd);
  const then = Math.abs(posted.postedImpactUsd);
  const grewImpact = now >= then * 1.1 && now - then >= 1;
  const longer = a.endDay > posted.postedEndDay;
  if (!grewSeverity && !grewImpact && !longer) return undefined;
  const parts = [`:chart_with_upwards_trend: Still going through ${a.endDay} (${a.durationDays} d)`];
  if (grewSeverity) parts.push(`now ${SEVERITY_BADGE[a.severity]} (was ${posted.postedSeverity})`);
  parts.push(`impact ${money(a.impactUsd)} (was ${money(posted.postedImpactUsd)})`);
  return parts.join(' · ');
}
