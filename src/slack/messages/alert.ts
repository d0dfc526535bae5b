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

/** A drop in spend (raised only with ANOMALY_DIRECTION=both) is worded and marked apart from a rise. */
export function isDrop(a: Pick<Anomaly, 'impactUsd'>): boolean {
  return a.impactUsd < 0;
}

/** The alert's headline: a rise is a cost anomaly (the siren), a drop says so with its own emoji. */
export function alertHeadline(a: Pick<Anomaly, 'impactUsd'>): string {
  return isDrop(a) ? ':chart_with_downwards_trend: *Spend dropped*' : ':rotating_light: *Cost anomaly*';
}

/** Who said what about the anomaly, shown on the alert (a dismissal also ends its updates). */
export function feedbackNote(a: Pick<Anomaly, 'feedback' | 'feedbackBy' | 'feedbackAt'>): string | undefined {
  if (a.feedback === null) return undefined;
  const by = a.feedbackBy === null ? 'someone' : `<@${a.feedbackBy}>`;
  const on = a.feedbackAt === null ? '' : ` on ${a.feedbackAt.toISOString().slice(0, 10)}`;
  const quiet = a.feedback === 'valid' ? '' : ' · no further updates will be posted';
  return `:speech_balloon: ${by} marked this “${FEEDBACK_LABEL[a.feedback]}”${on}${quiet}`;
}

/** One anomaly alert: what, when, how much, why, the chart (when uploaded) and the feedback buttons. */
export function alertMessage(a: Anomaly, chartFileId?: string): MessageBody {
  const status = a.status === 'open' ? 'ongoing' : 'ended';
  const blocks: Block[] = [
    section(
      `${alertHeadline(a)} ${SEVERITY_BADGE[a.severity]} *${anomalyTitle(a)}*\n${dayRange(a.startDay, a.endDay)} · ${a.durationDays} d · ${status}`,
      {
        fields: anomalySummaryFields(a),
      },
    ),
    section(`*Root cause*\n${rootCauseText(a)}`),
  ];
  if (chartFileId !== undefined)
    blocks.push(slackFileImage(chartFileId, `Daily cost of ${scopeLabel(a)} around the anomaly`, 'Daily cost'));
  const said = feedbackNote(a);
  if (said !== undefined) blocks.push(context(said));
  blocks.push(context(TIP.score, TIP.severity), alertActions(a));
  const what = isDrop(a) ? 'spend dropped' : 'cost anomaly';
  return {
    text: `${a.severity} ${what}: ${scopeLabel(a)}, impact ${money(a.impactUsd)} (${dayRange(a.startDay, a.endDay)})`,
    blocks,
  };
}

/** Largest |impact| first: a big drop and a big rise both lead (a signed sort would bury drops). */
export function byAbsoluteImpact(a: Pick<Anomaly, 'impactUsd' | 'id'>, b: Pick<Anomaly, 'impactUsd' | 'id'>): number {
  return Math.abs(b.impactUsd) - Math.abs(a.impactUsd) || a.id - b.id;
}

/** "increases +$1,234 · drops −$56": rises and drops summed apart, never netted against each other. */
export function impactTotals(list: readonly Pick<Anomaly, 'impactUsd'>[]): string {
  const up = list.filter((a) => !isDrop(a));
  const down = list.filter(isDrop);
  const parts: string[] = [];
  if (up.length > 0) parts.push(`increases +${money(up.reduce((s, a) => s + a.impactUsd, 0))}`);
  if (down.length > 0) parts.push(`drops ${money(down.reduce((s, a) => s + a.impactUsd, 0))}`);
  return parts.join(' · ');
}

/** Many new anomalies at once: one message listing them (largest first), each with its Details button. */
export function digestMessage(list: Anomaly[]): MessageBody {
  const sorted = [...list].sort(byAbsoluteImpact);
  const shown = sorted.slice(0, DIGEST_MAX_ROWS);
  const totals = impactTotals(list);
  const blocks: Block[] = [
    header(`${list.length} new cost anomalies`),
    context(`Impact: ${totals} · open one with Details for its chart, root cause and feedback`),
  ];
  for (const a of shown) {
    const mark = isDrop(a) ? ':chart_with_downwards_trend: ' : '';
    blocks.push(
      section(
        `${mark}${SEVERITY_BADGE[a.severity]} *${anomalyTitle(a)}*\n${dayRange(a.startDay, a.endDay)} · impact ${money(a.impactUsd)} · score ${a.score.toFixed(2)}`,
        {
          accessory: button('Details', LIST_ACTION.detail, String(a.id)),
        },
      ),
    );
  }
  if (list.length > shown.length)
    blocks.push(context(`…and ${list.length - shown.length} more: \`/cost anomalies 7d\``));
  blocks.push(context(TIP.score));
  return { text: `${list.length} new cost anomalies: ${totals}`, blocks };
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
  const trend = isDrop(a) ? ':chart_with_downwards_trend:' : ':chart_with_upwards_trend:';
  const parts = [`${trend} Still going through ${a.endDay} (${a.durationDays} d)`];
  if (grewSeverity) parts.push(`now ${SEVERITY_BADGE[a.severity]} (was ${posted.postedSeverity})`);
  parts.push(`impact ${money(a.impactUsd)} (was ${money(posted.postedImpactUsd)})`);
  return parts.join(' · ');
}
