import { sqlTimestamp, type AthenaQuery } from './athena-query.js';
import { NO_REGION } from './cur-columns.js';

/**
 * SQL over FOCUS 1.0-1.2 columns (FinOps Open Cost and Usage Specification), giving the same
 * output columns as the CUR queries (src/aws/athena-cur.ts) so the same rows are stored:
 *
 * - day: ChargePeriodStart's UTC day; account: SubAccountId (its name: SubAccountName); service:
 *   AWS's x_ServiceCode when the export has it (the CUR product code, e.g. AmazonEC2), else
 *   ServiceName; region: RegionId; usage type: AWS's x_UsageType when present, else empty.
 * - charge type: ChargeCategory/ChargeFrequency (src/cost/charge-kind.ts gives the kind).
 * - costs: FOCUS defines BilledCost (the invoiced cost, "inclusive of all reduced rates and
 *   discounts") and EffectiveCost (the same with commitment purchases amortized). FOCUS has no
 *   cost before negotiated discounts, so unblended and net unblended are both BilledCost, amortized
 *   and net amortized both EffectiveCost: by the spec's own definitions, not a fallback.
 * - pricing term: PricingCategory (Standard on-demand, Dynamic spot, Committed by
 *   CommitmentDiscountType: reserved or savings plan).
 * - Only the rows of AWS (ProviderName, ServiceProviderName from 1.2) are costbot's; the other
 *   providers' rows are counted and reported, not analysed.
 */

/** Columns a FOCUS file must have (mandatory in FOCUS 1.0 and later). */
export const FOCUS_REQUIRED_COLUMNS = [
  'ChargePeriodStart',
  'BilledCost',
  'EffectiveCost',
  'ServiceName',
  'SubAccountId',
  'ChargeCategory',
  'ChargeFrequency',
];

/** FOCUS 1.2 renamed ProviderName to ServiceProviderName; a file needs one of them. */
export const FOCUS_PROVIDER_COLUMNS = ['ServiceProviderName', 'ProviderName'];

/** Every column the FOCUS queries may read, with its type. */
export const FOCUS_COLUMNS_READ: Record<string, 'timestamp' | 'double' | 'text'> = {
  ChargePeriodStart: 'timestamp',
  BilledCost: 'double',
  EffectiveCost: 'double',
  ConsumedQuantity: 'double',
  ServiceName: 'text',
  SubAccountId: 'text',
  SubAccountName: 'text',
  ChargeCategory: 'text',
  ChargeFrequency: 'text',
  RegionId: 'text',
  ResourceId: 'text',
  PricingCategory: 'text',
  CommitmentDiscountType: 'text',
  ProviderName: 'text',
  ServiceProviderName: 'text',
  x_ServiceCode: 'text',
  x_UsageType: 'text',
};

const AWS_PROVIDERS = "('aws', 'amazon web services', 'amazon web services, inc.')";

function provider(columns: ReadonlySet<string>): string {
  const present = FOCUS_PROVIDER_COLUMNS.filter((c) => columns.has(c));
  return present.length === 1 ? present[0]! : `coalesce(${present.join(', ')})`;
}

function isAws(columns: ReadonlySet<string>): string {
  return `lower(trim(${provider(columns)})) IN ${AWS_PROVIDERS}`;
}

function service(columns: ReadonlySet<string>): string {
  return columns.has('x_ServiceCode') ? "coalesce(nullif(x_ServiceCode, ''), ServiceName)" : 'ServiceName';
}

function windowFilter(w: { from: Date; to: Date }): { sql: string; params: string[] } {
  return {
    sql: 'ChargePeriodStart >= ? AND ChargePeriodStart < ?',
    params: [sqlTimestamp(w.from), sqlTimestamp(w.to)],
  };
}

function keyColumns(columns: ReadonlySet<string>): string[] {
  return [
    'CAST(ChargePeriodStart AS DATE) AS usage_day,',
    '  SubAccountId AS account_id,',
    `  ${service(columns)} AS service,`,
    `  ${columns.has('RegionId') ? `coalesce(nullif(RegionId, ''), '${NO_REGION}')` : `'${NO_REGION}'`} AS region,`,
    `  ${columns.has('x_UsageType') ? "coalesce(x_UsageType, '')" : "''"} AS usage_type,`,
  ];
}

const usage = (columns: ReadonlySet<string>) =>
  columns.has('ConsumedQuantity') ? 'sum(ConsumedQuantity)' : 'CAST(NULL AS DOUBLE)';

/** Daily cost by day, account, service, region, usage type, charge category and frequency. */
export function buildFocusDailyQuery(table: string, columns: ReadonlySet<string>, w: { from: Date; to: Date }) {
  const filter = windowFilter(w);
  const sql = [
    `SELECT ${keyColumns(columns).join('\n')}`,
    "  coalesce(ChargeCategory, '') AS charge_category,",
    "  coalesce(ChargeFrequency, '') AS charge_frequency,",
    '  sum(BilledCost) AS unblended,',
    '  sum(BilledCost) AS net_unblended,',
    '  sum(EffectiveCost) AS amortized,',
    '  sum(EffectiveCost) AS net_amortized,',
    `  ${usage(columns)} AS usage_amount`,
    `FROM ${table}`,
    `WHERE ${filter.sql} AND ${isAws(columns)}`,
    'GROUP BY 1, 2, 3, 4, 5, 6, 7',
    'ORDER BY 1, 2, 3, 4, 5, 6, 7',
  ].join('\n');
  return { sql, params: filter.params } satisfies AthenaQuery;
}

function pricingTerm(columns: ReadonlySet<string>): string {
  if (!columns.has('PricingCategory'))
    return "CASE WHEN lower(ChargeCategory) = 'usage' THEN 'on-demand' ELSE 'other' END";
  const committed = columns.has('CommitmentDiscountType')
    ? "CASE WHEN lower(CommitmentDiscountType) LIKE '%savings%' THEN 'savings-plan' WHEN lower(CommitmentDiscountType) LIKE '%reserv%' THEN 'reserved' ELSE 'other' END"
    : "'other'";
  return [
    "CASE WHEN lower(ChargeCategory) <> 'usage' THEN 'other'",
    `WHEN lower(PricingCategory) = 'committed' THEN ${committed}`,
    "WHEN lower(PricingCategory) = 'dynamic' THEN 'spot'",
    "ELSE 'on-demand' END",
  ].join(' ');
}

/** Daily cost per EC2 resource and pricing term (a file without ResourceId has none: null). */
export function buildFocusResourceQuery(
  table: string,
  columns: ReadonlySet<string>,
  w: { from: Date; to: Date },
): AthenaQuery | null {
  if (!columns.has('ResourceId')) return null;
  const filter = windowFilter(w);
  const ec2 = columns.has('x_ServiceCode')
    ? "(x_ServiceCode = 'AmazonEC2' OR ServiceName = 'Amazon Elastic Compute Cloud')"
    : "ServiceName = 'Amazon Elastic Compute Cloud'";
  const sql = [
    `SELECT ${keyColumns(columns).join('\n')}`,
    '  ResourceId AS resource_id,',
    `  ${pricingTerm(columns)} AS pricing_term,`,
    '  sum(BilledCost) AS unblended,',
    '  sum(EffectiveCost) AS amortized,',
    '  sum(EffectiveCost) AS net_amortized,',
    `  ${usage(columns)} AS usage_amount`,
    `FROM ${table}`,
    `WHERE ${filter.sql} AND ${isAws(columns)} AND ${ec2}`,
    "  AND coalesce(ResourceId, '') <> ''",
    'GROUP BY 1, 2, 3, 4, 5, 6, 7',
    'ORDER BY 1, 2, 3, 4, 5, 6, 7',
  ].join('\n');
  return { sql, params: filter.params };
}

/** Each AWS sub account's newest SubAccountName in the window; null when the file has none. */
export function buildFocusAccountNamesQuery(
  table: string,
  columns: ReadonlySet<string>,
  w: { from: Date; to: Date },
): AthenaQuery | null {
  if (!columns.has('SubAccountName')) return null;
  const filter = windowFilter(w);
  const sql = [
    'SELECT SubAccountId AS account_id, max_by(SubAccountName, ChargePeriodStart) AS account_name',
    `FROM ${table}`,
    `WHERE ${filter.sql} AND ${isAws(columns)} AND coalesce(SubAccountName, '') <> ''`,
    'GROUP BY 1',
    'ORDER BY 1',
  ].join('\n');
  return { sql, params: filter.params };
}

/** Rows and billed cost of the other providers in the window: what is not analysed. */
export function buildFocusOtherProvidersQuery(
  table: string,
  columns: ReadonlySet<string>,
  w: { from: Date; to: Date },
): AthenaQuery {
  const filter = windowFilter(w);
  const sql = [
    `SELECT coalesce(${provider(columns)}, '') AS provider, count(*) AS line_items, sum(BilledCost) AS billed`,
    `FROM ${table}`,
    `WHERE ${filter.sql} AND NOT coalesce(${isAws(columns)}, false)`,
    'GROUP BY 1',
    'ORDER BY 1',
  ].join('\n');
  return { sql, params: filter.params };
}
