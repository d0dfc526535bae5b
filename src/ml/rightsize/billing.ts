import { HOURS_PER_MONTH } from '../../catalog/types.js';
import { num } from './reasoning.js';
import type { InstanceBilling, RightSizeResult } from './types.js';

const round2 = (x: number): number => Math.round(x * 100) / 100;
const usd = (x: number): string => `$${Math.abs(x).toFixed(2)}`;

/**
 * A spot instance is billed at the spot price, not on-demand: costbot does not collect spot price
 * history, so the on-demand figures (which would overstate the saving) are left out and said so.
 */
function spotExcluded(rec: RightSizeResult): RightSizeResult {
  return {
    ...rec,
    currentMonthlyUsd: null,
    recommendedMonthlyUsd: null,
    monthlySavingsUsd: null,
    savingsPercent: null,
    onDemandMonthlySavingsUsd: null,
    savingsBasis: 'spot-excluded',
    reasoning:
      `${rec.reasoning} Spot instance: it is billed at the spot price, which costbot does not collect, ` +
      `so no saving is given (on-demand rates would overstate it); the sizing still holds.`,
  };
}

/**
 * The share of the on-demand cost the instance really pays, from the CUR: covered hours at their
 * effective rate, the rest at on-demand. Null when the CUR shows no covered hours.
 */
export function paidShare(billing: InstanceBilling, onDemandUsdPerHour: number): number | null {
  if (billing.hours <= 0 || billing.coveredHours <= 0 || onDemandUsdPerHour <= 0) return null;
  const covered = Math.min(1, billing.coveredHours / billing.hours);
  const coveredRate = Math.min(1, billing.coveredEffectiveUsd / billing.coveredHours / onDemandUsdPerHour);
  return 1 - covered * (1 - Math.max(0, coveredRate));
}

/**
 * The recommendation's money figures as the bill sees them. Covered by a Reserved Instance or a
 * Savings Plan (CUR effective cost per resource), the saving after discounts is the on-demand one
 * scaled by the share the instance really pays (Compute Optimizer's "savings after discounts":
 * the discount rate is assumed to carry over to the new type), and it becomes the figure the
 * totals use; the on-demand one is kept beside it. Pure: the caller reads the CUR.
 */
export function applyBilling(rec: RightSizeResult, billing: InstanceBilling | null): RightSizeResult {
  if (billing?.lifecycle === 'spot') return spotExcluded(rec);
  if (!billing || rec.currentMonthlyUsd === null || rec.monthlySavingsUsd === null) return rec;
  const share = paidShare(billing, rec.currentMonthlyUsd / HOURS_PER_MONTH);
  if (share === null) return rec;
  const after = round2(rec.monthlySavingsUsd * share);
  const coveredPercent = Math.round((Math.min(billing.coveredHours, billing.hours) / billing.hours) * 100);
  const sentence =
    ` After discounts: ${coveredPercent} % of its ${Math.round(billing.hours)} h in the bill were covered by a ` +
    `Reserved Instance or Savings Plan, so it pays ${num(share * 100)} % of on-demand; ` +
    `the saving is ${usd(after)}/month after discounts (${usd(rec.monthlySavingsUsd)}/month at on-demand rates).`;
  return {
    ...rec,
    monthlySavingsUsd: after,
    onDemandMonthlySavingsUsd: rec.monthlySavingsUsd,
    savingsBasis: 'after-discounts',
    reasoning: rec.reasoning + sentence,
  };
}
