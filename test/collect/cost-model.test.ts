import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { pino } from 'pino';
import { fetchAccountNames } from '../../src/aws/athena-cur.js';
import { accountNames, upsertAccountNames } from '../../src/db/queries/accounts.js';
import { costTotals, listCostDaily, replaceCostDays } from '../../src/db/queries/cost-daily.js';
import { costResourceDaily } from '../../src/db/schema/index.js';
import { collectCosts } from '../../src/worker/jobs/collect/costs.js';
import { loadCostHistory, type CostHistory } from '../../src/worker/jobs/analyze/cost-history.js';
import { trainAnomaly } from '../../src/worker/jobs/analyze/train-anomaly.js';
import { collectCostsPayload } from '../../src/jobs/schemas/collect.js';
import {
  focusAccountsAsCur2Table,
  legacyCurTable,
  startAthenaStandin,
  type AthenaStandin,
  type StandinTable,
} from '../aws-standins/athena.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import { curCostDailyRows } from '../support/cur-fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { collectContext } from './collect-context.js';

/**
 * The cost data model on the real CUR (legacy, Oct-Dec 2018: RI fees on the 1st, DiscountedUsage
 * every day, spot and on-demand EC2; no savings plan and no net columns) collected through the
 * Athena stand-in, which runs the job's SQL with DuckDB. Every expected figure is read from the
 * Parquet files with DuckDB by a query of this file, not by the code under test.
 */
const FULL_EXPORT = ['Oct', 'Nov', 'Dec'].map(
  (m) => new URL(`../../../shared/data/cur-2018/${m}2018-WorkshopCUR-00001.snappy.parquet`, import.meta.url).pathname,
);
const FOCUS_CUT = fileURLToPath(new URL('../fixtures/cost/focus-sample-cut.csv', import.meta.url));
const POLL = { poll: { initialDelayMs: 5, maxDelayMs: 20 } };
const DAY = 'CAST(line_item_usage_start_date AS DATE)';
/** AWS's amortized cost of a line of this export (RIs only), written out for the expected figures. */
const AMORTIZED_LINE = `CASE line_item_line_item_type
  WHEN 'DiscountedUsage' THEN reservation_effective_cost
  WHEN 'RIFee' THEN reservation_unused_amortized_upfront_fee_for_billing_period + reservation_unused_recurring_fee
  ELSE line_item_unblended_cost END`;

const parquet = (files: string[]) => `read_parquet([${files.map((f) => `'${f}'`).join(', ')}], union_by_name = true)`;

async function rowsOf(duck: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjects();
}

describe('the cost data model on the real CUR (Athena stand-in)', () => {
  let database: TestDatabase;
  let athena: AthenaStandin;
  let duckInstance: DuckDBInstance;
  let duck: DuckDBConnection;
  const env = {
    AWS_REGION: 'us-east-1',
    ATHENA_DATABASE: 'cur',
    ATHENA_TABLE: 'workshop',
    ATHENA_OUTPUT_LOCATION: 's3://costbot-athena-results/cur/',
    COST_BACKFILL_MONTHS: '3',
  };
  const context = (extra: Record<string, string> = {}) =>
    collectContext({
      db: database.db,
      env: { ...env, ...extra },
      endpoints: { athena: athena.url },
      now: new Date('2019-01-01T06:30:00Z'),
    });
  const collect = async (payload: object, extra: Record<string, string> = {}) => {
    const ctx = context(extra);
    try {
      return await collectCosts(ctx, collectCostsPayload.parse(payload), POLL);
    } finally {
      ctx.aws.destroy();
    }
  };
  const history = async (basis: 'unblended' | 'amortized' | 'net-amortized', db = database) =>
    loadCostHistory(db.db, { kinds: ['total'], days: 92, asOf: '2018-12-31', basis });

  beforeAll(async () => {
    [database, athena] = await Promise.all([createTestDatabase(), startAthenaStandin({ pageRows: 500 })]);
    duckInstance = await DuckDBInstance.create(':memory:');
    duck = await duckInstance.connect();
    athena.defineTable('cur', 'workshop', legacyCurTable(FIXTURES.curParquet));
    await collect({ mode: 'backfill' });
  });
  afterAll(async () => {
    duck?.closeSync();
    duckInstance?.closeSync();
    await Promise.all([database?.drop(), athena?.close()]);
  });

  it('keeps each line item type with its charge kind; per-type dollars equal the files own', async () => {
    const expected = await rowsOf(
      duck,
      `SELECT line_item_line_item_type AS t, sum(line_item_unblended_cost) AS usd FROM ${parquet(FIXTURES.curParquet)} GROUP BY 1`,
    );
    const stored = await listCostDaily(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01' });
    const byType = new Map<string, { kind: string; usd: number }>();
    for (const r of stored) {
      const t = byType.get(r.chargeType) ?? { kind: r.chargeKind, usd: 0 };
      expect(t.kind).toBe(r.chargeKind);
      byType.set(r.chargeType, { kind: t.kind, usd: t.usd + r.unblendedUsd });
    }
    expect([...byType.keys()].sort()).toEqual(expected.map((e) => String(e['t'])).sort());
    for (const e of expected) expect(byType.get(String(e['t']))!.usd).toBeCloseTo(Number(e['usd']), 6);
    expect(Object.fromEntries([...byType].map(([t, v]) => [t, v.kind]))).toEqual({
      Usage: 'usage',
      DiscountedUsage: 'usage',
      RIFee: 'recurring-fee',
    });
    // The RI fees are charged on the 1st: 443.20 of the 3 days' 700.53 USD.
    expect(byType.get('RIFee')!.usd).toBeCloseTo(443.1984, 4);
  });

  it('totals per month in every basis: amortized from the reservation columns, net bases absent (no net columns)', async () => {
    const expected = await rowsOf(
      duck,
      `SELECT strftime(bill_billing_period_start_date, '%Y-%m') AS m, sum(line_item_unblended_cost) AS unblended,
         sum(${AMORTIZED_LINE}) AS amortized FROM ${parquet(FIXTURES.curParquet)} GROUP BY 1 ORDER BY 1`,
    );
    const columns = (await rowsOf(duck, `DESCRIBE SELECT * FROM ${parquet(FIXTURES.curParquet)}`)).map((c) =>
      String(c['column_name']),
    );
    expect(columns.filter((c) => c.includes('net_'))).toEqual([]);
    const totals = await costTotals(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01', by: 'month' });
    expect(totals.map((t) => t.period)).toEqual(expected.map((e) => e['m']));
    totals.forEach((t, i) => {
      expect(t.unblendedUsd).toBeCloseTo(Number(expected[i]!['unblended']), 6);
      expect(t.amortizedUsd).toBeCloseTo(Number(expected[i]!['amortized']), 6);
      expect(t.netUnblendedUsd).toBeNull();
      expect(t.netAmortizedUsd).toBeNull();
    });
    // The 1st of December: 160.45 billed, of which 152.30 RI fees; amortized, the fees' used part
    // moves into the reserved hours' effective cost and only the unused part stays on the day.
    expect(totals[2]!.unblendedUsd).toBeCloseTo(160.45, 2);
    expect(totals[2]!.amortizedUsd!).toBeLessThan(totals[2]!.unblendedUsd);
  });

  it('per-resource rows carry the pricing term and the effective cost: reserved hours cost nothing unblended (Dec 2018)', async () => {
    const [expected] = await rowsOf(
      duck,
      `SELECT sum(reservation_effective_cost) AS effective, count(DISTINCT line_item_resource_id) AS instances
       FROM ${parquet(FIXTURES.curParquet)} WHERE ${DAY} = DATE '2018-12-01' AND line_item_product_code = 'AmazonEC2'
         AND line_item_line_item_type = 'DiscountedUsage' AND line_item_resource_id <> ''`,
    );
    const rows = (await database.db.select().from(costResourceDaily)).filter((r) => r.day === '2018-12-01');
    const reserved = rows.filter((r) => r.pricingTerm === 'reserved');
    expect(new Set(reserved.map((r) => r.resourceId)).size).toBe(Number(expected!['instances']));
    expect(reserved.every((r) => r.unblendedUsd === 0 && r.amortizedUsd! > 0 && r.usageAmount! > 0)).toBe(true);
    expect(reserved.reduce((s, r) => s + r.amortizedUsd!, 0)).toBeCloseTo(Number(expected!['effective']), 6);
    expect(reserved.every((r) => r.usageType.includes('BoxUsage'))).toBe(true);
    const onDemand = rows.filter((r) => r.pricingTerm === 'on-demand');
    expect(onDemand.every((r) => r.amortizedUsd === r.unblendedUsd)).toBe(true);
    const spot = rows.filter((r) => r.pricingTerm === 'spot');
    expect(spot.length).toBeGreaterThan(0);
    expect(spot.every((r) => r.usageType.includes('SpotUsage'))).toBe(true);
    expect(new Set(rows.map((r) => r.pricingTerm))).toEqual(new Set(['on-demand', 'reserved', 'spot']));
  });

  it('COST_BASIS changes what loadCostHistory returns; a basis the report lacks is refused with the reason', async () => {
    const expected = await rowsOf(
      duck,
      `SELECT strftime(${DAY}, '%Y-%m-%d') AS d, sum(line_item_unblended_cost) AS unblended, sum(${AMORTIZED_LINE}) AS amortized
       FROM ${parquet(FIXTURES.curParquet)} GROUP BY 1 ORDER BY 1`,
    );
    const unblended = (await history('unblended')) as CostHistory;
    const amortized = (await history('amortized')) as CostHistory;
    for (const [h, basis] of [
      [unblended, 'unblended'],
      [amortized, 'amortized'],
    ] as const) {
      expect(h.basis).toBe(basis);
      expect(h.basisMissing).toBeNull();
      const total = h.series.get('total')!;
      for (const e of expected) {
        const value = total.values[total.days.indexOf(String(e['d']))]!;
        expect(value).toBeCloseTo(Number(e[basis]), 6);
      }
    }
    expect(amortized.rows.some((r) => r.chargeKind === 'recurring-fee')).toBe(true);
    const refused = await history('net-amortized');
    expect(refused).toEqual({ skipped: expect.stringContaining('COST_BASIS=net-amortized: 3 of 3 day(s)') });
  });

  it('days stored without the basis are left out and named in the job result, never filled from unblended', async () => {
    const mixed = await createTestDatabase();
    try {
      // 92 days aggregated before the charge type and amortized cost were kept (no amortized)...
      const loadedAt = new Date('2019-01-01T06:30:00Z');
      await replaceCostDays(mixed.db, {
        fromDay: '2018-10-01',
        toDay: '2019-01-01',
        rows: curCostDailyRows(),
        loadedAt,
      });
      const before = await history('amortized', mixed);
      expect(before).toEqual({
        skipped: expect.stringContaining('92 of 92 day(s) with costs (2018-10-01..2018-12-31)'),
      });
      // ...then the 1st of December collected again.
      const ctx = collectContext({ db: mixed.db, env, endpoints: { athena: athena.url }, now: loadedAt });
      await collectCosts(ctx, collectCostsPayload.parse({ fromDay: '2018-12-01', toDay: '2018-12-02' }), POLL);
      ctx.aws.destroy();
      const after = (await history('amortized', mixed)) as CostHistory;
      expect(after.basisMissing!.days).toHaveLength(91);
      expect(after.basisMissing!.reason).toContain('91 of 92 day(s)');
      expect(new Set(after.rows.map((r) => r.day))).toEqual(new Set(['2018-12-01']));
      const total = after.series.get('total')!;
      expect(total.values.filter((v) => !Number.isNaN(v))).toHaveLength(1);

      const config = { ...ctx.config, COST_BASIS: 'amortized' as const, ANOMALY_MIN_HISTORY_DAYS: 28 };
      const outcome = await trainAnomaly(
        { db: mixed.db, config, log: pino({ level: 'silent' }), now: () => loadedAt },
        { asOf: '2018-12-31' },
      );
      expect(outcome.details).toMatchObject({
        costBasis: 'amortized',
        costBasisMissingDays: 91,
        costBasisMissing: expect.stringContaining('COST_BASIS=amortized'),
      });
    } finally {
      await mixed.drop();
    }
  });

  it('a restated day replaces every charge type and pricing term of it, in both tables; other days stay', async () => {
    const restated: StandinTable = {
      ...legacyCurTable(FIXTURES.curParquet),
      select: `SELECT * FROM (${legacyCurTable(FIXTURES.curParquet).select}) WHERE NOT (${DAY} = DATE '2018-11-01' AND line_item_line_item_type = 'DiscountedUsage')`,
    };
    const daily = () => listCostDaily(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01' });
    const resources = async () =>
      (await database.db.select().from(costResourceDaily)).map(({ loadedAt: _l, ...r }) => r);
    const [dailyBefore, resourcesBefore] = [await daily(), await resources()];
    const nov1 = <R extends { day: string }>(rows: R[]) => rows.filter((r) => r.day === '2018-11-01');
    const others = <R extends { day: string }>(rows: R[]) => rows.filter((r) => r.day !== '2018-11-01');
    expect(nov1(dailyBefore).some((r) => r.chargeType === 'DiscountedUsage')).toBe(true);
    expect(nov1(resourcesBefore).some((r) => r.pricingTerm === 'reserved')).toBe(true);

    athena.defineTable('cur', 'workshop', restated);
    await collect({ fromDay: '2018-11-01', toDay: '2018-11-02' });
    const [dailyAfter, resourcesAfter] = [await daily(), await resources()];
    expect(nov1(dailyAfter).filter((r) => r.chargeType === 'DiscountedUsage')).toEqual([]);
    expect(nov1(resourcesAfter).filter((r) => r.pricingTerm === 'reserved')).toEqual([]);
    expect(nov1(dailyAfter).some((r) => r.chargeType === 'RIFee')).toBe(true);
    expect(others(dailyAfter)).toEqual(others(dailyBefore));
    expect(others(resourcesAfter)).toEqual(others(resourcesBefore));

    athena.defineTable('cur', 'workshop', legacyCurTable(FIXTURES.curParquet));
    await collect({ fromDay: '2018-11-01', toDay: '2018-11-02' });
    expect((await daily()).map(({ loadedAt: _l, ...r }) => r)).toEqual(dailyBefore.map(({ loadedAt: _l, ...r }) => r));
  });

  it('account names: none from the legacy CUR (said so); CUR 2.0 names stored and read back as "name (id)" material', async () => {
    const legacy = await collect({ fromDay: '2018-12-01', toDay: '2018-12-02' });
    expect(legacy.counts['accountNames']).toBe(0);
    expect(legacy.details).toMatchObject({ accountNamesMissing: expect.stringContaining('legacy CUR') });

    athena.defineTable('cur', 'accounts', focusAccountsAsCur2Table(FOCUS_CUT));
    const ctx = context();
    const table = { database: 'cur', table: 'accounts', workgroup: 'primary' };
    const schema = {
      format: 'cur2' as const,
      partitionKeys: ['billing_period'],
      columns: new Set([
        'line_item_usage_account_id',
        'line_item_usage_account_name',
        'line_item_usage_start_date',
        'billing_period',
      ]),
    };
    const window = { from: new Date('2024-09-01T00:00:00Z'), to: new Date('2024-10-01T00:00:00Z') };
    const fetched = await fetchAccountNames(ctx.aws.athena(), table, schema, window, POLL.poll);
    ctx.aws.destroy();
    const expected = await rowsOf(
      duck,
      `SELECT DISTINCT SubAccountId AS id, SubAccountName AS name FROM read_csv('${FOCUS_CUT}', header = true, nullstr = 'NULL')
       WHERE ProviderName = 'AWS' ORDER BY 1`,
    );
    expect(fetched!.rows).toEqual(expected.map((e) => ({ accountId: String(e['id']), name: String(e['name']) })));
    const at = new Date('2024-10-02T00:00:00Z');
    expect(await upsertAccountNames(database.db, { names: fetched!.rows, source: 'cur2', updatedAt: at })).toBe(
      expected.length,
    );
    // An older read never overwrites a newer name.
    await upsertAccountNames(database.db, {
      names: [{ accountId: '51738928782', name: 'renamed before' }],
      source: 'cur2',
      updatedAt: new Date('2024-09-15T00:00:00Z'),
    });
    const names = await accountNames(database.db, ['51738928782', '11353890204', '836060457634']);
    expect(Object.fromEntries(names)).toEqual({ '51738928782': 'Atlas Nimbus', '11353890204': 'Atlas Orion' });
  });

  it.runIf(existsSync(FULL_EXPORT[0]!))(
    'on the full export: amortized = unblended + the RI upfront fees amortized into the month (AWS true-up identity)',
    async () => {
      athena.defineTable('cur', 'full', legacyCurTable(FULL_EXPORT));
      const full = await createTestDatabase();
      try {
        const ctx = collectContext({
          db: full.db,
          env: { ...env, ATHENA_TABLE: 'full' },
          endpoints: { athena: athena.url },
          now: new Date('2019-01-01T06:30:00Z'),
        });
        const outcome = await collectCosts(ctx, collectCostsPayload.parse({ mode: 'backfill' }), POLL);
        ctx.aws.destroy();
        // Well-Architected CUR query library: unblended = amortized + ri_sp_trueup + ri_sp_upfront_fees,
        // with trueup = -reservation_amortized_upfront_fee_for_billing_period on RIFee lines (no upfront
        // Fee lines and no savings plans in this export).
        const identity = await rowsOf(
          duck,
          `SELECT strftime(bill_billing_period_start_date, '%Y-%m') AS m, sum(line_item_unblended_cost) AS unblended,
             sum(line_item_unblended_cost) + sum(reservation_amortized_upfront_fee_for_billing_period)
               FILTER (WHERE line_item_line_item_type = 'RIFee') AS amortized
           FROM ${parquet(FULL_EXPORT)} GROUP BY 1 ORDER BY 1`,
        );
        const totals = await costTotals(full.db, { fromDay: '2018-10-01', toDay: '2019-01-01', by: 'month' });
        totals.forEach((t, i) => {
          expect(t.unblendedUsd).toBeCloseTo(Number(identity[i]!['unblended']), 6);
          expect(t.amortizedUsd).toBeCloseTo(Number(identity[i]!['amortized']), 3);
        });
        const round = (v: number | null) => Math.round(v! * 100) / 100;
        expect(totals.map((t) => round(t.unblendedUsd))).toEqual([4064.48, 3505.33, 408.38]);
        expect(totals.map((t) => round(t.amortizedUsd))).toEqual([4195.96, 3632.56, 539.85]);
        // The charge kinds of the whole export, with their dollars.
        const kinds = outcome.details!['chargeKinds'] as Record<string, number>;
        expect(Object.keys(kinds).sort()).toEqual(['recurring-fee', 'usage']);
        expect(kinds['recurring-fee']).toBeCloseTo(449.456179, 5);
        expect(kinds['usage']).toBeCloseTo(7528.729913, 5);
        expect(outcome.details!['bases']).toEqual({ netUnblended: false, amortized: true, netAmortized: false });
      } finally {
        await full.drop();
      }
    },
  );
});
