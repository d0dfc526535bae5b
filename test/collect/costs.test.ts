import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { costTotals, listCostDaily } from '../../src/db/queries/cost-daily.js';
import { costResourceDaily } from '../../src/db/schema/index.js';
import { collectCosts } from '../../src/worker/jobs/collect/costs.js';
import { collectCostsPayload } from '../../src/jobs/schemas/collect.js';
import {
  cur2Table,
  legacyCurTable,
  startAthenaStandin,
  type AthenaStandin,
  type StandinTable,
} from '../aws-standins/athena.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { collectContext } from './collect-context.js';

/**
 * The CUR stand-in runs the job's own SQL with DuckDB over the real export (legacy CUR,
 * Oct-Dec 2018). The fixture is day 1 of each month, every line item of it; the full export
 * in ../shared/data/cur-2018 is used too when it is there.
 */
const FULL_EXPORT = ['Oct', 'Nov', 'Dec'].map(
  (m) => new URL(`../../../shared/data/cur-2018/${m}2018-WorkshopCUR-00001.snappy.parquet`, import.meta.url).pathname,
);
const POLL = { poll: { initialDelayMs: 5, maxDelayMs: 20 } };

/** Each billing period's own unblended total, read straight from the Parquet files. */
async function parquetMonthTotals(files: string[]): Promise<Record<string, number>> {
  const duck = await DuckDBInstance.create(':memory:');
  const connection = await duck.connect();
  const list = files.map((f) => `'${f}'`).join(', ');
  const result = await connection.runAndReadAll(
    `SELECT strftime(bill_billing_period_start_date, '%Y-%m') AS m, sum(line_item_unblended_cost) AS usd FROM read_parquet([${list}], union_by_name = true) GROUP BY 1`,
  );
  const totals = Object.fromEntries(result.getRowObjects().map((r) => [String(r['m']), Number(r['usd'])]));
  connection.closeSync();
  duck.closeSync();
  return totals;
}

/** The day-1 fixture without the RDS line items of 2018-11-01: the same export as a restatement that dropped them. */
function withoutNovemberRds(files: string[]): StandinTable {
  const full = legacyCurTable(files);
  return {
    ...full,
    select: `SELECT * FROM (${full.select}) WHERE NOT (CAST(line_item_usage_start_date AS DATE) = DATE '2018-11-01' AND line_item_product_code = 'AmazonRDS')`,
  };
}

describe('collect-costs against the Athena stand-in (DuckDB over the real CUR)', () => {
  let database: TestDatabase;
  let athena: AthenaStandin;
  const env = {
    AWS_REGION: 'us-east-1',
    ATHENA_DATABASE: 'cur',
    ATHENA_TABLE: 'workshop',
    ATHENA_OUTPUT_LOCATION: 's3://costbot-athena-results/cur/',
    COST_BACKFILL_MONTHS: '3',
  };
  const context = (now: string, extra: Record<string, string> = {}) =>
    collectContext({
      db: database.db,
      env: { ...env, ...extra },
      endpoints: { athena: athena.url },
      now: new Date(now),
    });
  const monthTotals = async () =>
    Object.fromEntries(
      (await costTotals(database.db, { fromDay: '2018-01-01', toDay: '2020-01-01', by: 'month' })).map((t) => [
        t.period,
        t.unblendedUsd,
      ]),
    );

  beforeAll(async () => {
    [database, athena] = await Promise.all([createTestDatabase(), startAthenaStandin({ pageRows: 100 })]);
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), athena?.close()]);
  });

  it('is skipped, with the reason, when Athena is not configured', async () => {
    const ctx = context('2019-01-01T06:30:00Z', { ATHENA_DATABASE: '' });
    expect(await collectCosts(ctx, collectCostsPayload.parse({}), POLL)).toMatchObject({
      skipped: expect.stringContaining('ATHENA_DATABASE'),
    });
    ctx.aws.destroy();
  });

  it('first run backfills whole months; monthly totals equal the Parquet files own totals', async () => {
    athena.defineTable('cur', 'workshop', legacyCurTable(FIXTURES.curParquet));
    athena.faults.push(
      { op: 'StartQueryExecution', kind: 'throttle' },
      { op: 'GetQueryResults', kind: 'server-error', after: 3 },
    );
    const ctx = context('2019-01-01T06:30:00Z');
    const outcome = await collectCosts(ctx, collectCostsPayload.parse({}), POLL);
    ctx.aws.destroy();

    const expected = await parquetMonthTotals(FIXTURES.curParquet);
    const stored = await monthTotals();
    expect(Object.keys(stored)).toEqual(['2018-10', '2018-11', '2018-12']);
    for (const m of Object.keys(expected)) expect(stored[m]).toBeCloseTo(expected[m]!, 6);
    expect(outcome.details).toMatchObject({
      mode: 'backfill',
      format: 'legacy',
      fromDay: '2018-10-01',
      toDay: '2019-01-02',
    });
    // The query id and bytes scanned are Athena's (here: the stand-in's) own figures, for job_runs.
    const executed = athena.requests.filter((r) => r.op === 'StartQueryExecution' && r.outcome === 200);
    expect(executed).toHaveLength(2);
    expect(outcome.details!['bytesScanned']).toBeGreaterThan(2 * 250_000);
    expect(typeof outcome.details!['athenaQueryId']).toBe('string');
    // Every row stored once despite the throttled start and the failed results page.
    expect(athena.requests.filter((r) => r.outcome !== 200).map((r) => r.outcome)).toEqual([
      'throttle',
      'server-error',
    ]);
    // 626 = distinct (day, account, service, region, usage type, line item type) in these files,
    // counted by DuckDB (616 without the line item type: 10 keys have both Usage and
    // DiscountedUsage lines). 260 = distinct (day, account, resource, service, region, usage type,
    // line item type) of the EC2 rows with a resource id (249 without the line item type, 182
    // without the usage type either); here the pricing term follows from them.
    expect(outcome.counts).toMatchObject({ dailyRows: 626, dailyRowsReplaced: 0, resourceRows: 260, days: 3 });
    expect(await listCostDaily(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01' })).toHaveLength(626);
    const resources = await database.db.select().from(costResourceDaily);
    expect(resources).toHaveLength(260);
    expect(resources.every((r) => r.usageType !== '')).toBe(true);
    expect(
      new Set(resources.filter((r) => r.resourceId.startsWith('i-')).map((r) => r.usageType.split(':')[0])),
    ).toContain('BoxUsage');
  });

  it('builds only parameterised SQL: identifiers from the table, values as ExecutionParameters', () => {
    const { sql, params } = athena.queries[0]!;
    expect(sql).toContain('FROM "cur"."workshop"');
    expect(sql).not.toContain('2018');
    expect(params).toEqual([
      "TIMESTAMP '2018-10-01 00:00:00'",
      "TIMESTAMP '2019-01-02 00:00:00'",
      "'2018'",
      "'10'",
      "'2018'",
      "'11'",
      "'2018'",
      "'12'",
      "'2019'",
      "'1'",
    ]);
  });

  it('a restated day replaces the old figures: dropped keys disappear, other days stay', async () => {
    const before = await listCostDaily(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01' });
    athena.defineTable('cur', 'workshop', withoutNovemberRds(FIXTURES.curParquet));
    const ctx = context('2019-01-01T06:30:00Z');
    const outcome = await collectCosts(
      ctx,
      collectCostsPayload.parse({ fromDay: '2018-11-01', toDay: '2018-11-02' }),
      POLL,
    );
    const after = await listCostDaily(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01' });
    const rdsNov = (rows: typeof after) => rows.filter((r) => r.day === '2018-11-01' && r.service === 'AmazonRDS');
    expect(rdsNov(before).length).toBeGreaterThan(0);
    expect(rdsNov(after)).toEqual([]);
    expect(outcome.counts['dailyRowsReplaced']).toBe(before.filter((r) => r.day === '2018-11-01').length);
    // Other days: the very same rows, loadedAt included.
    const notNov = (rows: typeof after) => rows.filter((r) => r.day !== '2018-11-01');
    expect(notNov(after)).toEqual(notNov(before));

    athena.defineTable('cur', 'workshop', legacyCurTable(FIXTURES.curParquet));
    await collectCosts(ctx, collectCostsPayload.parse({ fromDay: '2018-11-01', toDay: '2018-11-02' }), POLL);
    ctx.aws.destroy();
    const expected = await parquetMonthTotals(FIXTURES.curParquet);
    expect((await monthTotals())['2018-11']).toBeCloseTo(expected['2018-11']!, 6);
  });

  it('reads CUR 2.0 column names over the same export into the same rows', async () => {
    athena.defineTable('cur', 'workshop2', cur2Table(FIXTURES.curParquet));
    const legacyRows = await listCostDaily(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01' });
    const ctx = context('2019-01-01T06:30:00Z', { ATHENA_TABLE: 'workshop2' });
    const outcome = await collectCosts(ctx, collectCostsPayload.parse({ mode: 'backfill' }), POLL);
    ctx.aws.destroy();
    expect(outcome.details).toMatchObject({ format: 'cur2' });
    expect(athena.queries.at(-2)!.sql).toContain('product_region_code');
    expect(athena.queries.at(-2)!.params.slice(2)).toEqual(["'2018-10'", "'2018-11'", "'2018-12'", "'2019-01'"]);
    const cur2Rows = await listCostDaily(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01' });
    const strip = (rows: typeof cur2Rows) => rows.map(({ loadedAt: _loadedAt, ...r }) => r);
    expect(strip(cur2Rows)).toEqual(strip(legacyRows));
  });

  it('AccessDenied stops the job naming the Athena action; the stored costs stay', async () => {
    const before = await monthTotals();
    athena.faults.push({ op: 'StartQueryExecution', kind: 'access-denied' });
    const ctx = context('2019-01-01T06:30:00Z');
    await expect(collectCosts(ctx, collectCostsPayload.parse({ mode: 'window' }), POLL)).rejects.toMatchObject({
      code: 'AWS_PERMISSION_DENIED',
      message: expect.stringContaining('"athena:StartQueryExecution"'),
    });
    ctx.aws.destroy();
    expect(await monthTotals()).toEqual(before);
  });

  it.runIf(existsSync(FULL_EXPORT[0]!))(
    'on the full export, the stored monthly totals are 4,064.48, 3,505.33 and 408.38 USD',
    async () => {
      athena.defineTable('cur', 'full', legacyCurTable(FULL_EXPORT));
      const ctx = context('2019-01-01T06:30:00Z', { ATHENA_TABLE: 'full' });
      const outcome = await collectCosts(ctx, collectCostsPayload.parse({ mode: 'backfill' }), POLL);
      ctx.aws.destroy();
      const stored = await monthTotals();
      const own = await parquetMonthTotals(FULL_EXPORT);
      for (const m of Object.keys(own)) expect(stored[m]).toBeCloseTo(own[m]!, 6);
      expect([stored['2018-10'], stored['2018-11'], stored['2018-12']].map((v) => Math.round(v! * 100) / 100)).toEqual([
        4064.48, 3505.33, 408.38,
      ]);
      // 18,416 keys with the line item type (18,156 without it), counted by DuckDB.
      expect(outcome.counts).toMatchObject({ dailyRows: 18_416, days: 92 });
    },
  );
});
