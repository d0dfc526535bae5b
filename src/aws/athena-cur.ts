import { GetTableMetadataCommand, type AthenaClient } from '@aws-sdk/client-athena';
import { CostbotError } from '../errors.js';
import {
  runAthenaQuery,
  sqlString,
  sqlTimestamp,
  type AthenaQuery,
  type AthenaTarget,
  type PollOptions,
} from './athena-query.js';
import { awsCall } from './aws-errors.js';

/**
 * Cost and Usage Report queries through Athena, for the legacy CUR (Athena integration,
 * partitions year/month) and CUR 2.0 (Data Exports; region in product_region_code, partition
 * billing_period). SQL is built only from identifiers that pass IDENTIFIER and exist in the
 * table (read with GetTableMetadata), and values travel as ExecutionParameters: no setting
 * or value is ever pasted into the query text.
 */

export type CurFormat = 'legacy' | 'cur2';

export interface CurTable extends AthenaTarget {
  table: string;
}

export interface CurTableSchema {
  format: CurFormat;
  columns: ReadonlySet<string>;
  partitionKeys: readonly string[];
}

/** Day range [from, to) at UTC midnights. */
export interface CostWindow {
  from: Date;
  to: Date;
}

export interface DailyCostRow {
  /** YYYY-MM-DD, the UTC day of line_item_usage_start_date. */
  day: string;
  accountId: string;
  service: string;
  region: string;
  usageType: string;
  unblendedUsd: number;
  /** null when the report has no line_item_net_unblended_cost. */
  netUnblendedUsd: number | null;
  /** null when the report has neither reservation nor savings plan columns to amortize with. */
  amortizedUsd: number | null;
  usageAmount: number | null;
}

export interface ResourceCostRow {
  day: string;
  accountId: string;
  resourceId: string;
  service: string;
  region: string;
  usageType: string;
  unblendedUsd: number;
}

export interface CurQueryResult<Row> {
  rows: Row[];
  queryExecutionId: string;
  bytesScanned: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const REGION_COLUMN: Record<CurFormat, string> = { legacy: 'product_region', cur2: 'product_region_code' };
const REQUIRED = [
  'line_item_usage_start_date',
  'line_item_usage_account_id',
  'line_item_product_code',
  'line_item_usage_type',
  'line_item_unblended_cost',
  'line_item_usage_amount',
];
/** Line items without a region (tax, some global services) are grouped under Cost Explorer's label. */
const NO_REGION = 'NoRegion';

function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name))
    throw new CostbotError('CONFIG_INVALID', `${what} "${name}" is not a plain SQL identifier (letters, digits, _)`);
  return `"${name}"`;
}

function tableRef(t: CurTable): string {
  return `${identifier(t.database, 'ATHENA_DATABASE')}.${identifier(t.table, 'ATHENA_TABLE')}`;
}

/** Reads the table's columns (GetTableMetadata) and settles the CUR format. */
export async function describeCurTable(
  client: AthenaClient,
  t: CurTable,
  requested: CurFormat | 'auto',
): Promise<CurTableSchema> {
  const { TableMetadata: meta } = await awsCall('athena:GetTableMetadata', () =>
    client.send(
      new GetTableMetadataCommand({
        CatalogName: t.catalog ?? 'AwsDataCatalog',
        DatabaseName: t.database,
        TableName: t.table,
      }),
    ),
  );
  const partitionKeys = (meta?.PartitionKeys ?? []).map((c) => (c.Name ?? '').toLowerCase());
  const columns = new Set([...(meta?.Columns ?? []).map((c) => (c.Name ?? '').toLowerCase()), ...partitionKeys]);
  const format: CurFormat | null =
    requested !== 'auto'
      ? requested
      : columns.has('product_region')
        ? 'legacy'
        : columns.has('product_region_code')
          ? 'cur2'
          : null;
  const where = `${t.database}.${t.table}`;
  if (format === null) {
    throw new CostbotError(
      'CONFIG_INVALID',
      `${where} has neither product_region (legacy CUR) nor product_region_code (CUR 2.0): check ATHENA_TABLE, or set CUR_FORMAT`,
    );
  }
  const missing = [...REQUIRED, REGION_COLUMN[format]].filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new CostbotError(
      'CONFIG_INVALID',
      `${where} lacks the ${format} CUR column(s) ${missing.join(', ')}: check ATHENA_TABLE and CUR_FORMAT`,
    );
  }
  return { format, columns, partitionKeys };
}

/** Billing periods [YYYY, M] the window touches, oldest first. */
function monthsOf(w: CostWindow): [number, number][] {
  const out: [number, number][] = [];
  const last = new Date(w.to.getTime() - 1);
  const lastIndex = last.getUTCFullYear() * 12 + last.getUTCMonth();
  for (let i = w.from.getUTCFullYear() * 12 + w.from.getUTCMonth(); i <= lastIndex; i++)
    out.push([Math.floor(i / 12), (i % 12) + 1]);
  return out;
}

/**
 * The time filter: usage start in [from, to), plus the partitions of those billing periods so
 * Athena reads only them (legacy year/month are unpadded strings: month=1 for January).
 */
function windowFilter(schema: CurTableSchema, w: CostWindow): { sql: string; params: string[] } {
  const params = [sqlTimestamp(w.from), sqlTimestamp(w.to)];
  let sql = 'line_item_usage_start_date >= ? AND line_item_usage_start_date < ?';
  const months = monthsOf(w);
  if (schema.partitionKeys.includes('year') && schema.partitionKeys.includes('month')) {
    sql += ` AND (${months.map(() => '("year" = ? AND "month" = ?)').join(' OR ')})`;
    for (const [y, m] of months) params.push(sqlString(String(y)), sqlString(String(m)));
  } else if (schema.partitionKeys.includes('billing_period')) {
    sql += ` AND billing_period IN (${months.map(() => '?').join(', ')})`;
    for (const [y, m] of months) params.push(sqlString(`${y}-${String(m).padStart(2, '0')}`));
  }
  return { sql, params };
}

/**
 * Amortized cost per line item, AWS's definition (CUR user guide, "Understanding your
 * amortized costs"): savings plan and reservation usage at their effective cost, unused
 * commitment as its own line, the upfront and negation lines zeroed. Only the branches whose
 * columns the table has are written; with neither family there is nothing to amortize with.
 */
function amortizedExpression(columns: ReadonlySet<string>): string | null {
  const has = (...names: string[]) => names.every((n) => columns.has(n));
  const c = (name: string) => `coalesce(${name}, 0)`;
  const branches: string[] = [];
  if (
    has(
      'savings_plan_savings_plan_effective_cost',
      'savings_plan_total_commitment_to_date',
      'savings_plan_used_commitment',
    )
  ) {
    branches.push(
      `WHEN 'SavingsPlanCoveredUsage' THEN ${c('savings_plan_savings_plan_effective_cost')}`,
      `WHEN 'SavingsPlanRecurringFee' THEN ${c('savings_plan_total_commitment_to_date')} - ${c('savings_plan_used_commitment')}`,
      "WHEN 'SavingsPlanNegation' THEN 0",
      "WHEN 'SavingsPlanUpfrontFee' THEN 0",
    );
  }
  const ri = has(
    'reservation_effective_cost',
    'reservation_unused_amortized_upfront_fee_for_billing_period',
    'reservation_unused_recurring_fee',
  );
  if (ri) {
    branches.push(
      `WHEN 'DiscountedUsage' THEN ${c('reservation_effective_cost')}`,
      `WHEN 'RIFee' THEN ${c('reservation_unused_amortized_upfront_fee_for_billing_period')} + ${c('reservation_unused_recurring_fee')}`,
    );
  }
  if (branches.length === 0) return null;
  const upfrontFee =
    ri && columns.has('reservation_reservation_a_r_n')
      ? "WHEN line_item_line_item_type = 'Fee' AND coalesce(reservation_reservation_a_r_n, '') <> '' THEN 0 "
      : '';
  const byType = `CASE line_item_line_item_type ${branches.join(' ')} ELSE ${c('line_item_unblended_cost')} END`;
  return upfrontFee ? `CASE ${upfrontFee}ELSE ${byType} END` : byType;
}

function regionExpression(schema: CurTableSchema): string {
  return `coalesce(nullif(${REGION_COLUMN[schema.format]}, ''), '${NO_REGION}')`;
}

/** Daily cost by day, account, service, region and usage type. */
export function buildDailyCostQuery(t: CurTable, schema: CurTableSchema, w: CostWindow): AthenaQuery {
  const filter = windowFilter(schema, w);
  const amortized = amortizedExpression(schema.columns);
  const net = schema.columns.has('line_item_net_unblended_cost')
    ? 'sum(line_item_net_unblended_cost)'
    : 'CAST(NULL AS DOUBLE)';
  const sql = [
    'SELECT CAST(line_item_usage_start_date AS DATE) AS usage_day,',
    '  line_item_usage_account_id AS account_id,',
    '  line_item_product_code AS service,',
    `  ${regionExpression(schema)} AS region,`,
    "  coalesce(line_item_usage_type, '') AS usage_type,",
    '  sum(line_item_unblended_cost) AS unblended,',
    `  ${net} AS net_unblended,`,
    `  ${amortized === null ? 'CAST(NULL AS DOUBLE)' : `sum(${amortized})`} AS amortized,`,
    '  sum(line_item_usage_amount) AS usage_amount',
    `FROM ${tableRef(t)}`,
    `WHERE ${filter.sql}`,
    'GROUP BY 1, 2, 3, 4, 5',
    'ORDER BY 1, 2, 3, 4, 5',
  ].join('\n');
  return { sql, params: filter.params };
}

/** Daily unblended cost per resource and usage type of the given services (EC2 by default). */
export function buildResourceCostQuery(
  t: CurTable,
  schema: CurTableSchema,
  w: CostWindow,
  services: readonly string[] = ['AmazonEC2'],
): AthenaQuery {
  const filter = windowFilter(schema, w);
  const sql = [
    'SELECT CAST(line_item_usage_start_date AS DATE) AS usage_day,',
    '  line_item_usage_account_id AS account_id,',
    '  line_item_resource_id AS resource_id,',
    '  line_item_product_code AS service,',
    `  ${regionExpression(schema)} AS region,`,
    "  coalesce(line_item_usage_type, '') AS usage_type,",
    '  sum(line_item_unblended_cost) AS unblended',
    `FROM ${tableRef(t)}`,
    `WHERE ${filter.sql}`,
    `  AND line_item_product_code IN (${services.map(() => '?').join(', ')})`,
    "  AND coalesce(line_item_resource_id, '') <> ''",
    'GROUP BY 1, 2, 3, 4, 5, 6',
    'ORDER BY 1, 2, 3, 4, 5, 6',
  ].join('\n');
  return { sql, params: [...filter.params, ...services.map(sqlString)] };
}

function columnReader(columns: string[], row: (string | null)[]) {
  const at = (name: string) => row[columns.indexOf(name)] ?? null;
  return {
    text: (name: string) => at(name) ?? '',
    num: (name: string) => {
      const v = at(name);
      return v === null || v === '' ? null : Number(v);
    },
  };
}

/** Runs the daily query and parses its rows. */
export async function fetchDailyCosts(
  client: AthenaClient,
  t: CurTable,
  schema: CurTableSchema,
  w: CostWindow,
  poll?: PollOptions,
): Promise<CurQueryResult<DailyCostRow>> {
  const result = await runAthenaQuery(client, t, buildDailyCostQuery(t, schema, w), poll);
  const rows = result.rows.map((r) => {
    const c = columnReader(result.columns, r);
    return {
      day: c.text('usage_day').slice(0, 10),
      accountId: c.text('account_id'),
      service: c.text('service'),
      region: c.text('region'),
      usageType: c.text('usage_type'),
      unblendedUsd: c.num('unblended') ?? 0,
      netUnblendedUsd: c.num('net_unblended'),
      amortizedUsd: c.num('amortized'),
      usageAmount: c.num('usage_amount'),
    };
  });
  return { rows, queryExecutionId: result.queryExecutionId, bytesScanned: result.bytesScanned };
}

/** Runs the per-resource query and parses its rows. */
export async function fetchResourceCosts(
  client: AthenaClient,
  t: CurTable,
  schema: CurTableSchema,
  w: CostWindow,
  poll?: PollOptions,
): Promise<CurQueryResult<ResourceCostRow>> {
  const result = await runAthenaQuery(client, t, buildResourceCostQuery(t, schema, w), poll);
  const rows = result.rows.map((r) => {
    const c = columnReader(result.columns, r);
    return {
      day: c.text('usage_day').slice(0, 10),
      accountId: c.text('account_id'),
      resourceId: c.text('resource_id'),
      service: c.text('service'),
      region: c.text('region'),
      usageType: c.text('usage_type'),
      unblendedUsd: c.num('unblended') ?? 0,
    };
  });
  return { rows, queryExecutionId: result.queryExecutionId, bytesScanned: result.bytesScanned };
}
