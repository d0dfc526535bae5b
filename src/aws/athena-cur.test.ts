import { describe, expect, it } from 'vitest';
import { buildDailyCostQuery, buildResourceCostQuery, type CurTableSchema } from './athena-cur.js';

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
});
