/**
 * SQL expressions over Cost and Usage Report columns, shared by every reader that runs SQL on a
 * CUR (Athena's Trino today, DuckDB over export files next): the same columns, cost bases,
 * charge types and pricing terms whatever runs the query. Only constants and column names that
 * exist in the report are written into the SQL; each expression is built for the columns the
 * report has, and a cost basis whose columns are missing is NULL, never another basis.
 */

export type CurFormat = 'legacy' | 'cur2';

export const REGION_COLUMN: Record<CurFormat, string> = { legacy: 'product_region', cur2: 'product_region_code' };

/** Columns every query reads; a report without them cannot be used. */
export const REQUIRED_COLUMNS = [
  'line_item_usage_start_date',
  'line_item_usage_account_id',
  'line_item_product_code',
  'line_item_usage_type',
  'line_item_line_item_type',
  'line_item_unblended_cost',
  'line_item_usage_amount',
];

/** CUR 2.0's usage account name (the legacy CUR has none). */
export const ACCOUNT_NAME_COLUMN = 'line_item_usage_account_name';

/**
 * Every column a cost query may read, with its type (the rest of a report is never read): what
 * the export file reader selects and casts from each file, since CSV files carry only text.
 */
export function curColumnsRead(): Record<string, 'timestamp' | 'double' | 'text'> {
  const out: Record<string, 'timestamp' | 'double' | 'text'> = { line_item_usage_start_date: 'timestamp' };
  for (const name of [
    ...REQUIRED_COLUMNS,
    ...Object.values(REGION_COLUMN),
    ACCOUNT_NAME_COLUMN,
    'line_item_resource_id',
    'pricing_term',
    'reservation_reservation_a_r_n',
  ])
    out[name] ??= 'text';
  for (const name of [
    'line_item_unblended_cost',
    'line_item_net_unblended_cost',
    'line_item_usage_amount',
    ...SP_GROSS,
    ...RI_GROSS,
    ...SP_NET,
    ...RI_NET,
  ])
    out[name] = 'double';
  return out;
}

/** Line items without a region (tax, some global services) are grouped under Cost Explorer's label. */
export const NO_REGION = 'NoRegion';

const SP_GROSS = [
  'savings_plan_savings_plan_effective_cost',
  'savings_plan_total_commitment_to_date',
  'savings_plan_used_commitment',
];
const RI_GROSS = [
  'reservation_effective_cost',
  'reservation_unused_amortized_upfront_fee_for_billing_period',
  'reservation_unused_recurring_fee',
];
const SP_NET = [
  'savings_plan_net_savings_plan_effective_cost',
  'savings_plan_amortized_upfront_commitment_for_billing_period',
  'savings_plan_recurring_commitment_for_billing_period',
  'savings_plan_net_amortized_upfront_commitment_for_billing_period',
  'savings_plan_net_recurring_commitment_for_billing_period',
];
const RI_NET = [
  'reservation_net_effective_cost',
  'reservation_net_unused_amortized_upfront_fee_for_billing_period',
  'reservation_net_unused_recurring_fee',
];

const c = (name: string) => `coalesce(${name}, 0)`;
const hasAll = (columns: ReadonlySet<string>, names: readonly string[]) => names.every((n) => columns.has(n));

export function regionExpression(format: CurFormat): string {
  return `coalesce(nullif(${REGION_COLUMN[format]}, ''), '${NO_REGION}')`;
}

/** A Fee line carrying a reservation ARN: the RI's upfront payment (zero once amortized). */
export function reservationUpfrontExpression(columns: ReadonlySet<string>): string {
  return columns.has('reservation_reservation_a_r_n')
    ? "(line_item_line_item_type = 'Fee' AND coalesce(reservation_reservation_a_r_n, '') <> '')"
    : 'false';
}

/** The per-line CASE, with the upfront RI Fee zeroed when the report can tell it apart. */
function byLineItemType(columns: ReadonlySet<string>, branches: string[], otherwise: string): string {
  const byType = `CASE line_item_line_item_type ${branches.join(' ')} ELSE ${otherwise} END`;
  return columns.has('reservation_reservation_a_r_n')
    ? `CASE WHEN ${reservationUpfrontExpression(columns)} THEN 0 ELSE ${byType} END`
    : byType;
}

/**
 * Amortized (effective) cost per line item, AWS's definition (CUR user guide, "Understanding
 * your amortized costs"; the Well-Architected CUR query library's amortized_cost): reservation
 * and savings plan usage at their effective cost, the RIFee and SavingsPlanRecurringFee lines
 * keep only the unused commitment (the used part is in the effective cost of the usage), and the
 * upfront and negation lines are zero. Only the branches whose columns the report has are
 * written; with neither family there is nothing to amortize with and the basis is NULL.
 */
export function amortizedExpression(columns: ReadonlySet<string>): string | null {
  const branches: string[] = [];
  if (hasAll(columns, SP_GROSS)) {
    branches.push(
      `WHEN 'SavingsPlanCoveredUsage' THEN ${c('savings_plan_savings_plan_effective_cost')}`,
      `WHEN 'SavingsPlanRecurringFee' THEN ${c('savings_plan_total_commitment_to_date')} - ${c('savings_plan_used_commitment')}`,
      "WHEN 'SavingsPlanNegation' THEN 0",
      "WHEN 'SavingsPlanUpfrontFee' THEN 0",
    );
  }
  if (hasAll(columns, RI_GROSS)) {
    branches.push(
      `WHEN 'DiscountedUsage' THEN ${c('reservation_effective_cost')}`,
      `WHEN 'RIFee' THEN ${c('reservation_unused_amortized_upfront_fee_for_billing_period')} + ${c('reservation_unused_recurring_fee')}`,
    );
  }
  if (branches.length === 0) return null;
  return byLineItemType(columns, branches, c('line_item_unblended_cost'));
}

/**
 * Net amortized cost: the amortized definition on the net_ columns (after discounts). It needs
 * line_item_net_unblended_cost, and for each commitment family the report has, that family's net
 * columns; otherwise the basis is NULL. A savings plan's unused commitment has no net column of
 * its own: it is scaled by the commitment's own net-to-gross ratio for the billing period.
 */
export function netAmortizedExpression(columns: ReadonlySet<string>): string | null {
  if (!columns.has('line_item_net_unblended_cost')) return null;
  const sp = hasAll(columns, SP_GROSS);
  const ri = hasAll(columns, RI_GROSS);
  if ((sp && !hasAll(columns, SP_NET)) || (ri && !hasAll(columns, RI_NET))) return null;
  if (!sp && !ri) return null;
  const branches: string[] = [];
  if (sp) {
    const gross = `${c('savings_plan_amortized_upfront_commitment_for_billing_period')} + ${c('savings_plan_recurring_commitment_for_billing_period')}`;
    const net = `${c('savings_plan_net_amortized_upfront_commitment_for_billing_period')} + ${c('savings_plan_net_recurring_commitment_for_billing_period')}`;
    branches.push(
      `WHEN 'SavingsPlanCoveredUsage' THEN ${c('savings_plan_net_savings_plan_effective_cost')}`,
      `WHEN 'SavingsPlanRecurringFee' THEN (${c('savings_plan_total_commitment_to_date')} - ${c('savings_plan_used_commitment')}) * coalesce((${net}) / nullif(${gross}, 0), 1)`,
      "WHEN 'SavingsPlanNegation' THEN 0",
      "WHEN 'SavingsPlanUpfrontFee' THEN 0",
    );
  }
  if (ri) {
    branches.push(
      `WHEN 'DiscountedUsage' THEN ${c('reservation_net_effective_cost')}`,
      `WHEN 'RIFee' THEN ${c('reservation_net_unused_amortized_upfront_fee_for_billing_period')} + ${c('reservation_net_unused_recurring_fee')}`,
    );
  }
  return byLineItemType(columns, branches, c('line_item_net_unblended_cost'));
}

/**
 * The pricing term of a usage line (src/cost/pricing-term.ts): DiscountedUsage is reserved,
 * SavingsPlanCoveredUsage savings-plan, spot shows in the usage type (SpotUsage) or, in newer
 * reports, pricing_term 'Spot'; other usage is on-demand (the legacy CUR leaves pricing_term empty
 * on free-tier and spot lines); fees, credits and the rest are 'other'.
 */
export function pricingTermExpression(columns: ReadonlySet<string>): string {
  const spot = columns.has('pricing_term')
    ? "(pricing_term = 'Spot' OR line_item_usage_type LIKE '%SpotUsage%')"
    : "line_item_usage_type LIKE '%SpotUsage%'";
  return [
    "CASE line_item_line_item_type WHEN 'DiscountedUsage' THEN 'reserved'",
    "WHEN 'SavingsPlanCoveredUsage' THEN 'savings-plan'",
    `WHEN 'Usage' THEN CASE WHEN ${spot} THEN 'spot' ELSE 'on-demand' END`,
    "ELSE 'other' END",
  ].join(' ');
}

/** sum(expression), or a typed NULL when the report lacks the basis's columns. */
export function sumOrNull(expression: string | null): string {
  return expression === null ? 'CAST(NULL AS DOUBLE)' : `sum(${expression})`;
}
