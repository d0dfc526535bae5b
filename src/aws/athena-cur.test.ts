import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  buildAccountNamesQuery,
  buildDailyCostQuery,
  buildResourceCostQuery,
  type CurTableSchema,
} from './athena-cur.js';
import { amortizedExpression, netAmortizedExpression, pricingTermExpression } from './cur-columns.js';

const table = { database: 'cur', table: 'workshop', workgroup: 'primary' };
// Column names of the real 2018 export (legacy CUR): no savings plan and no net columns.
const legacy: CurTableSchema = {
  format: 'legacy',
  partitionKeys: ['year', 'month'],
  columns: new Set([
    'line_item_usage_start_date',
    'line_item_usage_account_id',
    'line_item_product_code',
    'line_item_usage_type',
    'line_item_unblended_cost',
    'line_item_usage_amount',
    'line_item_line_item_type',
    'line_item_resource_id',
    'product_region',
    'reservation_effective_cost',
    'reservation_unused_amortized_upfront_fee_for_billing_period',
    'reservation_unused_recurring_fee',
    'reservation_reservation_a_r_n',
    'year',
    'month',
  ]),
};
const window = { from: new Date('2025-12-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') };

describe('CUR SQL builders', () => {
  it('refuse a table name that is not a plain identifier, so nothing from settings reaches the SQL text', () => {
    expect(() => buildDailyCostQuery({ ...table, table: 'x" UNION SELECT' }, legacy, window)).toThrow(
      /not a plain SQL identifier/,
    );
    expect(() => buildDailyCostQuery({ ...table, database: 'a.b' }, legacy, window)).toThrow(/ATHENA_DATABASE/);
  });

  it('pass the window and the billing periods across a year end as parameters (legacy month is unpadded)', () => {
    const q = buildDailyCostQuery(table, legacy, window);
    expect(q.params).toEqual([
      "TIMESTAMP '2025-12-01 00:00:00'",
      "TIMESTAMP '2026-02-01 00:00:00'",
      "'2025'",
      "'12'",
      "'2026'",
      "'1'",
    ]);
    expect(q.sql.match(/\?/g)).toHaveLength(q.params.length);
  });

  it('leave net and amortized NULL when the report has no columns for them', () => {
    const bare = { ...legacy, columns: new Set([...legacy.columns].filter((c) => !c.startsWith('reservation_'))) };
    const q = buildDailyCostQuery(table, bare, window);
    expect(q.sql).toContain('CAST(NULL AS DOUBLE) AS net_unblended');
    expect(q.sql).toContain('CAST(NULL AS DOUBLE) AS amortized');
    expect(buildDailyCostQuery(table, legacy, window).sql).toContain(
      "WHEN 'DiscountedUsage' THEN coalesce(reservation_effective_cost, 0)",
    );
  });

  it('filter CUR 2.0 by billing_period and services by parameter', () => {
    const cur2 = {
      ...legacy,
      format: 'cur2' as const,
      partitionKeys: ['billing_period'],
      columns: new Set([...legacy.columns, 'product_region_code', 'billing_period']),
    };
    const q = buildResourceCostQuery(table, cur2, window);
    expect(q.sql).toContain('product_region_code');
    expect(q.params.slice(2)).toEqual(["'2025-12'", "'2026-01'", "'AmazonEC2'"]);
  });

  it('write net amortized only with every net column the report needs, never from the gross ones', () => {
    expect(buildDailyCostQuery(table, legacy, window).sql).toContain('CAST(NULL AS DOUBLE) AS net_amortized');
    const riNet = ['reservation_net_effective_cost', 'reservation_net_unused_amortized_upfront_fee_for_billing_period'];
    // Net unblended and only part of the reservation net columns: still no net amortized.
    const partial = new Set([...legacy.columns, 'line_item_net_unblended_cost', ...riNet]);
    expect(netAmortizedExpression(partial)).toBeNull();
    const full = new Set([...partial, 'reservation_net_unused_recurring_fee']);
    const expression = netAmortizedExpression(full)!;
    expect(expression).toContain("WHEN 'DiscountedUsage' THEN coalesce(reservation_net_effective_cost, 0)");
    expect(expression).toContain('ELSE coalesce(line_item_net_unblended_cost, 0)');
    expect(expression).not.toContain('reservation_effective_cost,');
  });

  it('group by charge type and pricing term, and read account names only where the report has them', () => {
    const daily = buildDailyCostQuery(table, legacy, window).sql;
    expect(daily).toContain('line_item_line_item_type AS charge_type');
    expect(daily).toContain('GROUP BY 1, 2, 3, 4, 5, 6, 7');
    expect(buildResourceCostQuery(table, legacy, window).sql).toContain("WHEN 'DiscountedUsage' THEN 'reserved'");
    expect(buildAccountNamesQuery(table, legacy, window)).toBeNull();
    const cur2 = { ...legacy, columns: new Set([...legacy.columns, 'line_item_usage_account_name']) };
    expect(buildAccountNamesQuery(table, cur2, window)!.sql).toContain('max_by(line_item_usage_account_name');
  });

  it('build expressions DuckDB (and so Trino-style SQL) binds, for a report with every column family', async () => {
    const columns = [
      ...legacy.columns,
      'pricing_term',
      'line_item_net_unblended_cost',
      'savings_plan_savings_plan_effective_cost',
      'savings_plan_total_commitment_to_date',
      'savings_plan_used_commitment',
      'savings_plan_net_savings_plan_effective_cost',
      'savings_plan_amortized_upfront_commitment_for_billing_period',
      'savings_plan_recurring_commitment_for_billing_period',
      'savings_plan_net_amortized_upfront_commitment_for_billing_period',
      'savings_plan_net_recurring_commitment_for_billing_period',
      'reservation_net_effective_cost',
      'reservation_net_unused_amortized_upfront_fee_for_billing_period',
      'reservation_net_unused_recurring_fee',
    ].filter((c) => c !== 'year' && c !== 'month');
    const all = new Set(columns);
    const typed = columns
      .map(
        (c) =>
          `CAST(NULL AS ${c.includes('cost') || c.includes('fee') || c.includes('commitment') || c.includes('amount') ? 'DOUBLE' : 'VARCHAR'}) AS ${c}`,
      )
      .join(', ');
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    try {
      const sql = `SELECT ${amortizedExpression(all)}, ${netAmortizedExpression(all)}, ${pricingTermExpression(all)} FROM (SELECT ${typed}) LIMIT 0`;
      const result = await connection.runAndReadAll(sql);
      expect(result.columnCount).toBe(3);
    } finally {
      connection.closeSync();
      duck.closeSync();
    }
  });
});
