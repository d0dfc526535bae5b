import type { ChargeKind } from '../cost/charge-kind.js';
import type { PricingTerm } from '../cost/pricing-term.js';

/**
 * The rows a CUR reader returns (Athena today, export files next), as cost_daily,
 * cost_resource_daily and accounts store them. Every cost basis is null when the report lacks
 * its columns (src/aws/cur-columns.ts), never copied from another basis.
 */

export interface DailyCostRow {
  /** YYYY-MM-DD, the UTC day of line_item_usage_start_date. */
  day: string;
  accountId: string;
  service: string;
  region: string;
  usageType: string;
  /** The source's own charge type: the CUR line_item_line_item_type (Usage, RIFee, Tax...). */
  chargeType: string;
  chargeKind: ChargeKind;
  unblendedUsd: number;
  /** null when the report has no line_item_net_unblended_cost. */
  netUnblendedUsd: number | null;
  /** null when the report has neither reservation nor savings plan columns to amortize with. */
  amortizedUsd: number | null;
  /** null when the report lacks the net columns (see netAmortizedExpression). */
  netAmortizedUsd: number | null;
  usageAmount: number | null;
}

export interface ResourceCostRow {
  day: string;
  accountId: string;
  resourceId: string;
  service: string;
  region: string;
  usageType: string;
  /** How the usage was priced: on-demand, reserved, savings-plan, spot or other. */
  pricingTerm: PricingTerm;
  unblendedUsd: number;
  /** The effective cost (reservation or savings plan effective cost for covered usage). */
  amortizedUsd: number | null;
  netAmortizedUsd: number | null;
  /** Usage in the usage type's unit (hours for BoxUsage). */
  usageAmount: number | null;
}

/** An account's display name as the report gives it (CUR 2.0 line_item_usage_account_name). */
export interface AccountNameRow {
  accountId: string;
  name: string;
}
