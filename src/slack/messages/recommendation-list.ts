import type { Recommendation } from '../../db/schema/index.js';
import type { SavingsSummary } from '../../db/queries/recommendations.js';
import { encodeRecommendationState, type RecommendationListState } from './view-state.js';
import { money } from './format.js';
import { actions, button, context, divider, header, section, type Block, type MessageBody } from './kit.js';
import { recommendationCard, type Specs } from './recommendation-card.js';
import { recommendationTips } from './tooltips.js';

/** Cards per page: 3 blocks each plus a divider; 5 cards and the summary stay well under 50 blocks. */
export const RECOMMENDATIONS_PER_PAGE = 5;
export const REC_PAGE_ACTION = 'recommendations_page';

/** "Potential savings: $1,234/month ($14,808/year) across 12 instances", with counts per finding. */
export function savingsSummaryBlocks(s: SavingsSummary): Block[] {
  const findings = Object.entries(s.byFinding)
    .map(([f, n]) => `${n} ${f}`)
    .join(' · ');
  const notes = [
    ...(s.afterDiscounts > 0
      ? [`${s.afterDiscounts} covered by Reserved Instances or Savings Plans are counted after their discount.`]
      : []),
    ...(s.unpriced > 0
      ? [`${s.unpriced} have no price for their type, platform and region, so their savings are not counted.`]
      : []),
    ...(s.spotExcluded > 0
      ? [`${s.spotExcluded} spot instances are not counted: they are billed at the spot price, not on-demand.`]
      : []),
  ];
  const unpriced = notes.length > 0 ? `\n_${notes.join(' ')}_` : '';
  return [
    section(
      `*Potential savings:* ${money(s.monthlyUsd)}/month · *${money(s.annualUsd)}/year* across ${s.count} instance${s.count === 1 ? '' : 's'}${unpriced}`,
    ),
    context(findings === '' ? 'No active recommendations.' : `Active recommendations: ${findings}`),
  ];
}

function paging(s: RecommendationListState, total: number): Block | undefined {
  const covered = Math.min(total, s.top);
  const pages = Math.ceil(covered / RECOMMENDATIONS_PER_PAGE);
  const buttons = [];
  if (s.page > 0)
    buttons.push(
      button('◀ Previous', `${REC_PAGE_ACTION}_prev`, encodeRecommendationState({ ...s, page: s.page - 1 })),
    );
  if (s.page + 1 < pages)
    buttons.push(button('Next ▶', `${REC_PAGE_ACTION}_next`, encodeRecommendationState({ ...s, page: s.page + 1 })));
  return buttons.length > 0 ? actions(buttons) : undefined;
}

export interface RecommendationListInput {
  state: RecommendationListState;
  rows: Recommendation[];
  total: number;
  specs: Specs;
  summary: SavingsSummary;
  emptyReason?: string;
}

export function recommendationListMessage(input: RecommendationListInput): MessageBody {
  const { state: s, rows, total } = input;
  const covered = Math.min(total, s.top);
  const from = s.page * RECOMMENDATIONS_PER_PAGE + 1;
  const blocks: Block[] = [header(`Right-sizing: top ${s.top}`), ...savingsSummaryBlocks(input.summary)];
  if (rows.length === 0) {
    blocks.push(section(input.emptyReason ?? 'No right-sizing recommendations that suggest a change.'));
  } else {
    blocks.push(context(`Largest saving first · ${from}–${from + rows.length - 1} of ${covered}`));
    for (const r of rows) blocks.push(divider(), ...recommendationCard(r, input.specs));
    blocks.push(recommendationTips());
  }
  const p = paging(s, total);
  if (p !== undefined) blocks.push(p);
  return { text: `Right-sizing: ${money(input.summary.monthlyUsd)}/month potential savings`, blocks };
}

/** One instance's recommendation (`/cost rightsize i-...`). */
export function singleRecommendationMessage(r: Recommendation, specs: Specs): MessageBody {
  return {
    text: `Right-sizing for ${r.instanceId}: ${r.finding}`,
    blocks: [header(`Right-sizing: ${r.instanceId}`), ...recommendationCard(r, specs), recommendationTips()],
  };
}
