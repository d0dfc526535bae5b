import type { InstanceTypeRow, Recommendation } from '../../db/schema/index.js';
import { ACTIONABLE_FINDINGS } from '../../db/queries/recommendations.js';
import { confidenceText, money, percent, RISK_BADGE } from './format.js';
import { actions, button, context, esc, mrkdwn, plain, section, type Block, type Button } from './kit.js';

export const REC_ACTION = {
  apply: 'recommendation_apply',
  detail: 'recommendation_detail',
} as const;

export type Specs = Map<string, InstanceTypeRow>;

export function specText(type: string, specs: Specs): string {
  const s = specs.get(type);
  if (s === undefined) return `${esc(type)} · specs not in the catalog`;
  const gib = s.memoryMib / 1024;
  return `${esc(type)} · ${s.vcpu} vCPU · ${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}

/**
 * A change the apply path can make: another type, for a finding that asks for one, with a known
 * saving (a spot instance's or an unpriced one's is not known).
 */
export function isApplicable(r: Recommendation): boolean {
  return (
    r.status === 'active' &&
    ACTIONABLE_FINDINGS.includes(r.finding) &&
    r.recommendedType !== r.currentType &&
    r.savingsBasis !== 'spot-excluded'
  );
}

export function savingsText(r: Recommendation): string {
  if (r.savingsBasis === 'spot-excluded') return 'not given (spot instance, billed at the spot price)';
  if (r.monthlySavingsUsd === null) return `unknown (no ${r.platform} price)`;
  if (r.savingsBasis === 'after-discounts') {
    return `${money(r.monthlySavingsUsd)}/mo after RI/SP discounts (${money(r.onDemandMonthlySavingsUsd)}/mo on-demand)`;
  }
  if (r.monthlySavingsUsd < 0)
    return `costs ${money(-r.monthlySavingsUsd)}/mo more (${percent(r.savingsPercent === null ? null : -r.savingsPercent, 1)})`;
  return `${money(r.monthlySavingsUsd)}/mo (${percent(r.savingsPercent, 1)})`;
}

export function recommendationFields(r: Recommendation, specs: Specs): string[] {
  return [
    `*Current*\n${specText(r.currentType, specs)}`,
    `*Recommended*\n${specText(r.recommendedType, specs)}`,
    `*Monthly cost* (${esc(r.platform)}, on-demand)\n${money(r.currentMonthlyUsd)} → ${money(r.recommendedMonthlyUsd)}`,
    `*Savings*\n${savingsText(r)}`,
    `*Risk*\n${RISK_BADGE[r.risk]}`,
    `*Confidence*\n${confidenceText(r.confidence)}`,
  ];
}

export function applyButton(r: Recommendation): Button {
  return button('Apply recommendation', REC_ACTION.apply, String(r.id), {
    style: 'primary',
    confirm: {
      title: plain('Request this change?', 100),
      text: mrkdwn(
        `Ask an approver to resize *${esc(r.instanceId)}* from ${esc(r.currentType)} to ${esc(r.recommendedType)}. ` +
          'The instance is stopped and started during the change.',
        300,
      ),
      confirm: plain('Request approval', 30),
      deny: plain('Cancel', 30),
    },
  });
}

/** A recommendation card: title, before/after fields, reasoning, and the Apply and Details buttons. */
export function recommendationCard(r: Recommendation, specs: Specs): Block[] {
  const title = `*${esc(r.instanceId)}* · ${esc(r.currentType)} → ${esc(r.recommendedType)} · _${r.finding}_\naccount ${esc(r.accountId)} · ${esc(r.region)}`;
  const buttons: Button[] = [button('Details', REC_ACTION.detail, String(r.id))];
  if (isApplicable(r)) buttons.unshift(applyButton(r));
  return [
    section(title, { fields: recommendationFields(r, specs), blockId: `rec:${r.id}` }),
    context(esc(r.reasoning)),
    actions(buttons),
  ];
}
