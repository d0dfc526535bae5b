import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_PRICES, athenaBilledBytes, awsCostOf } from '../../src/cost/aws-usage.js';
import { collectCosts } from '../../src/worker/jobs/collect/costs.js';
import { collectCostsPayload } from '../../src/jobs/schemas/collect.js';
import { legacyCurTable, startAthenaStandin, type AthenaStandin } from '../aws-standins/athena.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { collectContext } from './collect-context.js';

/**
 * Athena at its floor: the daily collect-costs run reads only the partitions of the billing
 * periods its window touches and only the columns its rows need, and each query's bytes scanned
 * are billed ($5/TB, rounded up to the MB, 10 MB at least) into the run's usage. The stand-in runs
 * the job's SQL with DuckDB over the real 2018 CUR export (day 1 of Oct, Nov and Dec).
 */

/** The CUR columns the cost rows are built from (grouping keys, costs, charge type, resource, reservation fields). */
const USED_COLUMNS = new Set([
  'line_item_usage_start_date',
  'line_item_usage_account_id',
  'line_item_product_code',
  'product_region',
  'line_item_usage_type',
  'line_item_line_item_type',
  'line_item_unblended_cost',
  'line_item_usage_amount',
  'line_item_resource_id',
  'reservation_effective_cost',
  'reservation_unused_amortized_upfront_fee_for_billing_period',
  'reservation_unused_recurring_fee',
  'reservation_reservation_a_r_n',
  'line_item_net_unblended_cost',
  'savings_plan_savings_plan_effective_cost',
  'savings_plan_savings_plan_a_r_n',
  'savings_plan_total_commitment_to_date',
  'savings_plan_used_commitment',
  'reservation_net_effective_cost',
  'savings_plan_net_savings_plan_effective_cost',
]);

describe('Athena cost of collect-costs', () => {
  let database: TestDatabase;
  let athena: AthenaStandin;

  beforeAll(async () => {
    [database, athena] = await Promise.all([createTestDatabase(), startAthenaStandin()]);
    athena.defineTable('cur', 'workshop', legacyCurTable(FIXTURES.curParquet));
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), athena?.close()]);
  });

  it('reads only the window’s billing periods and used columns, and bills each query’s bytes', async () => {
    const ctx = collectContext({
      db: database.db,
      env: {
        AWS_REGION: 'us-east-1',
        ATHENA_DATABASE: 'cur',
        ATHENA_TABLE: 'workshop',
        ATHENA_OUTPUT_LOCATION: 's3://costbot-athena-results/cur/',
        COST_WINDOW_DAYS: '30',
      },
      endpoints: { athena: athena.url },
      now: new Date('2018-12-15T06:30:00Z'),
    });
    // A daily run after the first: the 30-day window (plus today) reaches back into November only.
    const outcome = await collectCosts(ctx, collectCostsPayload.parse({ mode: 'window' }), {
      poll: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    ctx.aws.destroy();
    expect(outcome.details).toMatchObject({ mode: 'window', fromDay: '2018-11-15', toDay: '2018-12-16' });

    expect(athena.queries).toHaveLength(2);
    for (const q of athena.queries) {
      // Partition pruning: the legacy year/month partitions of November and December 2018, nothing else.
      expect(q.sql).toMatch(/\("year" = \? AND "month" = \?\) OR \("year" = \? AND "month" = \?\)\)/);
      expect(q.params.slice(2, 6)).toEqual(["'2018'", "'11'", "'2018'", "'12'"]);
      // Only the columns the rows are built from: no SELECT *, no column outside USED_COLUMNS.
      expect(q.sql).not.toMatch(/SELECT \*|\.\*/);
      const aliases = new Set([...q.sql.matchAll(/ AS ([a-z_]+)/g)].map((m) => m[1]));
      const columns = new Set(q.sql.match(/\b(line_item|product|reservation|savings_plan|bill|pricing)_[a-z_]+\b/g));
      expect([...columns].filter((c) => !USED_COLUMNS.has(c) && !aliases.has(c))).toEqual([]);
    }

    // Cost: each query's bytes, as Athena reported them, rounded up to the MB with 10 MB at least.
    const usage = ctx.usage.counts;
    expect(usage.athenaQueries).toBe(2);
    expect(usage.athenaBytesScanned).toBe(outcome.details!['bytesScanned']);
    expect(usage.athenaBytesScanned).toBeGreaterThan(0);
    // The real export's files are below 10 MB: each query is billed the minimum.
    expect(usage.athenaBytesBilled).toBe(2 * AWS_PRICES.athenaMinBytesPerQuery);
    expect(awsCostOf(usage).athenaUsd).toBeCloseTo(2 * 10 * 2 ** 20 * (5 / 2 ** 40), 12);
    expect(athenaBilledBytes(10 * 2 ** 20 + 1)).toBe(11 * 2 ** 20);
  });
});
