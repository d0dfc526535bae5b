/**
 * The cost bases a stored cost row carries, and the one COST_BASIS picks for the analyses.
 * Each basis is null on a row when its report lacked the columns to compute it; a missing basis
 * is reported, never replaced by another one.
 */

/** Bases an analysis can run on; unblended is Cost Explorer's default. */
export const COST_BASES = ['unblended', 'amortized', 'net-amortized'] as const;

export type CostBasis = (typeof COST_BASES)[number];

/** The cost figures of one stored row (cost_daily, cost_resource_daily). */
export interface CostAmounts {
  unblendedUsd: number;
  amortizedUsd: number | null;
  netAmortizedUsd: number | null;
}

/** The row's cost in `basis`, or null when the row lacks it. */
export function costIn(row: CostAmounts, basis: CostBasis): number | null {
  switch (basis) {
    case 'unblended':
      return row.unblendedUsd;
    case 'amortized':
      return row.amortizedUsd;
    case 'net-amortized':
      return row.netAmortizedUsd;
  }
}

/** What each basis needs from the report, for the reason given when it is missing. */
export const BASIS_NEEDS: Record<CostBasis, string> = {
  unblended: 'line_item_unblended_cost',
  amortized:
    'reservation or savings plan columns (reservation_effective_cost..., savings_plan_savings_plan_effective_cost...)',
  'net-amortized':
    'the net columns (line_item_net_unblended_cost, and reservation_net_* / savings_plan_net_* where the report has reservations or savings plans)',
};
