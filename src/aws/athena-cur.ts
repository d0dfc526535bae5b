import { GetTableMetadataCommand, type AthenaClient } from '@aws-sdk/client-athena';
import { CostbotError } from '../errors.js';
import {
  runAthenaQuery,
  sqlString,
  sqlTimestamp,
  type AthenaQuery,
  type AthenaTarget,
  type QueryOptions,
} from './athena-query.js';
import { awsCall } from './aws-errors.js';
import {
  ACCOUNT_NAME_COLUMN,
  amortizedExpression,
  netAmortizedExpression,
  pricingTermExpression,
  regionExpression,
  REGION_COLUMN,
  REQUIRED_COLUMNS,
  reservationUpfrontExpression,
  sumOrNull,
  type CurFormat,
} from './cur-columns.js';
import type { AccountNameRow, DailyCostRow, ResourceCostRow } from './cur-rows.js';
import { curChargeKind } from '../cost/charge-kind.js';
import { PRICING_TERMS, type PricingTerm } from '../cost/pricing-term.js';

/**
 * Cost and Usage Report queries through Athena, for the legacy CUR (Athena integration,
 * partitions year/month) and CUR 2.0 (Data Exports; region in product_region_code, partition
 * billing_period). SQL is built only from identifiers that pass IDENTIFIER and exist in the
 * table (read with GetTableMetadata), and values travel as ExecutionParameters: no setting
 * or value is ever pasted into the query text.
 */

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

export interface CurQueryResult<Row> {
  rows: Row[];
  queryExecutionId: string;
  bytesScanned: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

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
  const missing = [...REQUIRED_COLUMNS, REGION_COLUMN[format]].filter((c) => !columns.has(c));
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

/** The grouping columns both cost queries start with. */
function keyColumns(schema: CurTableSchema): string[] {
  return [
    'CAST(line_item_usage_start_date AS DATE) AS usage_day,',
    '  line_item_usage_account_id AS account_id,',
    '  line_item_product_code AS service,',
    `  ${regionExpression(schema.format)} AS region,`,
    "  coalesce(line_item_usage_type, '') AS usage_type,",
  ];
}

/**
 * Daily cost by day, account, service, region, usage type and charge type (the line item type,
 * with the upfront RI Fee kept apart from other fees), in every cost basis the report supports.
 */
export function buildDailyCostQuery(t: CurTable, schema: CurTableSchema, w: CostWindow): AthenaQuery {
  const filter = windowFilter(schema, w);
  const net = schema.columns.has('line_item_net_unblended_cost') ? 'line_item_net_unblended_cost' : null;
  const sql = [
    `SELECT ${keyColumns(schema).join('\n')}`,
    '  line_item_line_item_type AS charge_type,',
    `  ${reservationUpfrontExpression(schema.columns)} AS reservation_upfront,`,
    '  sum(line_item_unblended_cost) AS unblended,',
    `  ${sumOrNull(net)} AS net_unblended,`,
    `  ${sumOrNull(amortizedExpression(schema.columns))} AS amortized,`,
    `  ${sumOrNull(netAmortizedExpression(schema.columns))} AS net_amortized,`,
    '  sum(line_item_usage_amount) AS usage_amount',
    `FROM ${tableRef(t)}`,
    `WHERE ${filter.sql}`,
    'GROUP BY 1, 2, 3, 4, 5, 6, 7',
    'ORDER BY 1, 2, 3, 4, 5, 6, 7',
  ].join('\n');
  return { sql, params: filter.params };
}

/**
 * Daily cost per resource, usage type and pricing term of the given services (EC2 by default):
 * unblended and effective (amortized) cost and usage, so that right-sizing can tell reserved or
 * savings-plan hours from on-demand ones.
 */
export function buildResourceCostQuery(
  t: CurTable,
  schema: CurTableSchema,
  w: CostWindow,
  services: readonly string[] = ['AmazonEC2'],
): AthenaQuery {
  const filter = windowFilter(schema, w);
  const sql = [
    `SELECT ${keyColumns(schema).join('\n')}`,
    '  line_item_resource_id AS resource_id,',
    `  ${pricingTermExpression(schema.columns)} AS pricing_term,`,
    '  sum(line_item_unblended_cost) AS unblended,',
    `  ${sumOrNull(amortizedExpression(schema.columns))} AS amortized,`,
    `  ${sumOrNull(netAmortizedExpression(schema.columns))} AS net_amortized,`,
    '  sum(line_item_usage_amount) AS usage_amount',
    `FROM ${tableRef(t)}`,
    `WHERE ${filter.sql}`,
    `  AND line_item_product_code IN (${services.map(() => '?').join(', ')})`,
    "  AND coalesce(line_item_resource_id, '') <> ''",
    'GROUP BY 1, 2, 3, 4, 5, 6, 7',
    'ORDER BY 1, 2, 3, 4, 5, 6, 7',
  ].join('\n');
  return { sql, params: [...filter.params, ...services.map(sqlString)] };
}

/**
 * Each usage account's name in the window (CUR 2.0 line_item_usage_account_name), the one of its
 * newest line item when it was renamed; null when the report has no account names (legacy CUR).
 */
export function buildAccountNamesQuery(t: CurTable, schema: CurTableSchema, w: CostWindow): AthenaQuery | null {
  if (!schema.columns.has(ACCOUNT_NAME_COLUMN)) return null;
  const filter = windowFilter(schema, w);
  const sql = [
    'SELECT line_item_usage_account_id AS account_id,',
    `  max_by(${ACCOUNT_NAME_COLUMN}, line_item_usage_start_date) AS account_name`,
    `FROM ${tableRef(t)}`,
    `WHERE ${filter.sql}`,
    `  AND coalesce(${ACCOUNT_NAME_COLUMN}, '') <> ''`,
    'GROUP BY 1',
    'ORDER BY 1',
  ].join('\n');
  return { sql, params: filter.params };
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

type ColumnReader = ReturnType<typeof columnReader>;

/** The grouping columns both cost queries start with, parsed. */
function keyOf(c: ColumnReader) {
  return {
    day: c.text('usage_day').slice(0, 10),
    accountId: c.text('account_id'),
    service: c.text('service'),
    region: c.text('region'),
    usageType: c.text('usage_type'),
  };
}

function pricingTermOf(value: string): PricingTerm {
  if (!(PRICING_TERMS as readonly string[]).includes(value))
    throw new CostbotError('ATHENA_QUERY_FAILED', `the resource query returned the unknown pricing term "${value}"`);
  return value as PricingTerm;
}

/** Rows of the daily query (any engine that returns them as text), parsed. */
export function parseDailyRows(columns: string[], rows: (string | null)[][]): DailyCostRow[] {
  return rows.map((r): DailyCostRow => {
    const c = columnReader(columns, r);
    const chargeType = c.text('charge_type');
    return {
      ...keyOf(c),
      chargeType,
      chargeKind: curChargeKind(chargeType, c.text('reservation_upfront') === 'true'),
      unblendedUsd: c.num('unblended') ?? 0,
      netUnblendedUsd: c.num('net_unblended'),
      amortizedUsd: c.num('amortized'),
      netAmortizedUsd: c.num('net_amortized'),
      usageAmount: c.num('usage_amount'),
    };
  });
}

/** Rows of the per-resource query, parsed. */
export function parseResourceRows(columns: string[], rows: (string | null)[][]): ResourceCostRow[] {
  return rows.map((r): ResourceCostRow => {
    const c = columnReader(columns, r);
    return {
      ...keyOf(c),
      resourceId: c.text('resource_id'),
      pricingTerm: pricingTermOf(c.text('pricing_term')),
      unblendedUsd: c.num('unblended') ?? 0,
      amortizedUsd: c.num('amortized'),
      netAmortizedUsd: c.num('net_amortized'),
      usageAmount: c.num('usage_amount'),
    };
  });
}

/** Rows of the account names query, parsed. */
export function parseAccountNameRows(columns: string[], rows: (string | null)[][]): AccountNameRow[] {
  return rows.map((r) => {
    const c = columnReader(columns, r);
    return { accountId: c.text('account_id'), name: c.text('account_name') };
  });
}

/** Runs the daily query and parses its rows. */
export async function fetchDailyCosts(
  client: AthenaClient,
  t: CurTable,
  schema: CurTableSchema,
  w: CostWindow,
  poll?: QueryOptions,
): Promise<CurQueryResult<DailyCostRow>> {
  const result = await runAthenaQuery(client, t, buildDailyCostQuery(t, schema, w), poll);
  const rows = parseDailyRows(result.columns, result.rows);
  return { rows, queryExecutionId: result.queryExecutionId, bytesScanned: result.bytesScanned };
}

/** Runs the per-resource query and parses its rows. */
export async function fetchResourceCosts(
  client: AthenaClient,
  t: CurTable,
  schema: CurTableSchema,
  w: CostWindow,
  poll?: QueryOptions,
): Promise<CurQueryResult<ResourceCostRow>> {
  const result = await runAthenaQuery(client, t, buildResourceCostQuery(t, schema, w), poll);
  const rows = parseResourceRows(result.columns, result.rows);
  return { rows, queryExecutionId: result.queryExecutionId, bytesScanned: result.bytesScanned };
}

/** Runs the account names query; no query and no rows when the report has no names. */
export async function fetchAccountNames(
  client: AthenaClient,
  t: CurTable,
  schema: CurTableSchema,
  w: CostWindow,
  poll?: QueryOptions,
): Promise<CurQueryResult<AccountNameRow> | null> {
  const query = buildAccountNamesQuery(t, schema, w);
  if (query === null) return null;
  const result = await runAthenaQuery(client, t, query, poll);
  const rows = parseAccountNameRows(result.columns, result.rows);
  return { rows, queryExecutionId: result.queryExecutionId, bytesScanned: result.bytesScanned };
}
