import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { accountNames } from '../../src/db/queries/accounts.js';
import { costTotals, listCostDaily, listResourceCostDaily } from '../../src/db/queries/cost-daily.js';
import { accounts, costDaily } from '../../src/db/schema/index.js';
import { collectCosts } from '../../src/worker/jobs/collect/costs.js';
import { collectCostsPayload } from '../../src/jobs/schemas/collect.js';
import { isCostbotError } from '../../src/errors.js';
import { legacyCurTable, startAthenaStandin, type AthenaStandin } from '../aws-standins/athena.js';
import { startS3Standin, type S3Standin } from '../aws-standins/s3.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { collectContext } from './collect-context.js';

/**
 * CUR_SOURCE=files: the real CUR cuts (legacy CUR Parquet, the same cut as gzip CSV) and the real
 * FOCUS sample cut read with DuckDB through collect-costs, against the Athena path on the same
 * files (the Athena stand-in runs the Athena path's SQL over them), and S3 through its stand-in.
 * Expected figures are read from the files by queries of this file.
 */
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const CSV_GZ = fixture('aws/cur-2018-11-day01.csv.gz');
const FOCUS_CUT = fixture('cost/focus-sample-cut.csv');
const FULL_EXPORT = new URL('../../../shared/data/cur-2018/', import.meta.url).pathname;
const POLL = { poll: { initialDelayMs: 5, maxDelayMs: 20 } };
const RANGE = { fromDay: '2018-10-01', toDay: '2019-01-01' };

const withoutIds = <T extends { id?: unknown; loadedAt?: unknown }>(rows: T[]) =>
  rows.map(({ id: _id, loadedAt: _loadedAt, ...rest }) => rest);

describe('collect-costs from export files (CUR_SOURCE=files, DuckDB)', () => {
  let files: TestDatabase;
  let viaAthena: TestDatabase;
  let athena: AthenaStandin;
  let s3: S3Standin;
  let duckInstance: DuckDBInstance;
  let duck: DuckDBConnection;
  let tmp: string;

  const collect = async (db: TestDatabase, env: Record<string, string>, payload: object = RANGE) => {
    const ctx = collectContext({
      db: db.db,
      env: { AWS_REGION: 'us-east-1', ...env },
      endpoints: { athena: athena.url, s3: s3.url },
      now: new Date('2019-01-01T06:30:00Z'),
    });
    try {
      return await collectCosts(ctx, collectCostsPayload.parse(payload), POLL);
    } finally {
      ctx.aws.destroy();
    }
  };
  const failure = async (db: TestDatabase, env: Record<string, string>) => {
    const err = await collect(db, env).then(
      () => null,
      (e: unknown) => e,
    );
    if (!isCostbotError(err)) throw new Error(`expected a CostbotError, got ${String(err)}`);
    return err;
  };
  const storedRows = async (db: TestDatabase) => (await db.db.select().from(costDaily)).length;

  beforeAll(async () => {
    [files, viaAthena, athena, s3] = await Promise.all([
      createTestDatabase(),
      createTestDatabase(),
      startAthenaStandin({ pageRows: 1000 }),
      startS3Standin({ pageKeys: 2 }),
    ]);
    duckInstance = await DuckDBInstance.create(':memory:');
    duck = await duckInstance.connect();
    tmp = mkdtempSync(join(tmpdir(), 'costbot-cur-files-'));
  });
  afterAll(async () => {
    duck?.closeSync();
    duckInstance?.closeSync();
    rmSync(tmp, { recursive: true, force: true });
    await Promise.all([files?.drop(), viaAthena?.drop(), athena?.close(), s3?.close()]);
  });

  it('is skipped with the reason when CUR_SOURCE=files has neither CUR_PATH nor CUR_S3_URI', async () => {
    expect(await collect(files, { CUR_SOURCE: 'files' })).toMatchObject({
      skipped: expect.stringContaining('CUR_PATH'),
    });
  });

  it('stores exactly the rows the Athena path stores from the same legacy CUR Parquet files', async () => {
    athena.defineTable('cur', 'workshop', legacyCurTable(FIXTURES.curParquet));
    const athenaOutcome = await collect(viaAthena, {
      ATHENA_DATABASE: 'cur',
      ATHENA_TABLE: 'workshop',
      ATHENA_OUTPUT_LOCATION: 's3://results/cur/',
    });
    for (const f of FIXTURES.curParquet) copyFileSync(f, join(tmp, basename(f)));
    const outcome = await collect(files, { CUR_SOURCE: 'files', CUR_PATH: join(tmp, 'cur-2018-*-day01.parquet') });

    expect(outcome.counts).toEqual(athenaOutcome.counts);
    expect(outcome.details).toMatchObject({ source: 'files', format: 'legacy', files: 3, ...RANGE });
    expect(withoutIds(await listCostDaily(files.db, RANGE))).toEqual(
      withoutIds(await listCostDaily(viaAthena.db, RANGE)),
    );
    const byKey = (r: { day: string; resourceId: string; usageType: string; pricingTerm: string }) =>
      `${r.day}|${r.resourceId}|${r.usageType}|${r.pricingTerm}`;
    const sorted = async (db: TestDatabase) =>
      withoutIds(await listResourceCostDaily(db.db, RANGE)).sort((a, b) => byKey(a).localeCompare(byKey(b)));
    expect(await sorted(files)).toEqual(await sorted(viaAthena));
    // The stored month totals are the files' own (each billing period's sum of line_item_unblended_cost).
    const expected = await duck.runAndReadAll(
      `SELECT strftime(bill_billing_period_start_date, '%Y-%m') AS m, sum(line_item_unblended_cost) FROM read_parquet([${FIXTURES.curParquet.map((f) => `'${f}'`).join(', ')}]) GROUP BY 1 ORDER BY 1`,
    );
    const stored = await costTotals(files.db, { ...RANGE, by: 'month' });
    expect(stored.map((t) => t.period)).toEqual(expected.getRows().map((r) => String(r[0])));
    stored.forEach((t, i) => expect(t.unblendedUsd).toBeCloseTo(Number(expected.getRows()[i]![1]), 6));
  });

  it('reads a gzip CSV export (Athena column names) into the rows of the Parquet file it holds', async () => {
    const november = { fromDay: '2018-11-01', toDay: '2018-11-02' };
    const before = withoutIds(await listCostDaily(files.db, november));
    const outcome = await collect(files, { CUR_SOURCE: 'files', CUR_PATH: CSV_GZ }, november);
    expect(outcome.counts).toMatchObject({ dailyRowsReplaced: before.length, dailyRows: before.length, days: 1 });
    const after = withoutIds(await listCostDaily(files.db, november));
    expect(after.length).toBe(before.length);
    after.forEach((row, i) => {
      expect({ ...row, unblendedUsd: 0, amortizedUsd: 0, usageAmount: 0 }).toEqual({
        ...before[i],
        unblendedUsd: 0,
        amortizedUsd: 0,
        usageAmount: 0,
      });
      // Text to double and back: equal to the Parquet figures within float rounding.
      expect(row.unblendedUsd).toBeCloseTo(before[i]!.unblendedUsd, 9);
      expect(row.amortizedUsd!).toBeCloseTo(before[i]!.amortizedUsd!, 9);
    });
  });

  it.runIf(existsSync(FULL_EXPORT))('the full export: 4,064.48 / 3,505.33 / 408.38 USD for Oct-Dec 2018', async () => {
    const outcome = await collect(files, { CUR_SOURCE: 'files', CUR_PATH: FULL_EXPORT });
    expect(outcome.details).toMatchObject({ files: 3, format: 'legacy' });
    const stored = await costTotals(files.db, { ...RANGE, by: 'month' });
    expect(stored.map((t) => [t.period, Math.round(t.unblendedUsd * 100) / 100])).toEqual([
      ['2018-10', 4064.48],
      ['2018-11', 3505.33],
      ['2018-12', 408.38],
    ]);
  });

  it('maps FOCUS: BilledCost as billed, EffectiveCost as amortized, AWS rows only, SubAccountName stored', async () => {
    const focus = await createTestDatabase();
    try {
      const sept = { fromDay: '2024-09-01', toDay: '2024-10-01' };
      const outcome = await collect(focus, { CUR_SOURCE: 'files', CUR_PATH: FOCUS_CUT }, sept);
      const source = `read_csv('${FOCUS_CUT}', header = true, nullstr = 'NULL')`;
      const expected = (
        await duck.runAndReadAll(
          `SELECT ChargeCategory || '/' || ChargeFrequency, sum(BilledCost), sum(EffectiveCost), count(DISTINCT SubAccountId) FROM ${source} WHERE ProviderName = 'AWS' GROUP BY 1 ORDER BY 1`,
        )
      ).getRows();
      const rows = await listCostDaily(focus.db, sept);
      const byType = new Map<string, { billed: number; effective: number }>();
      for (const r of rows) {
        const t = byType.get(r.chargeType) ?? { billed: 0, effective: 0 };
        t.billed += r.unblendedUsd;
        t.effective += r.amortizedUsd!;
        byType.set(r.chargeType, t);
      }
      expect([...byType.keys()].sort()).toEqual(expected.map((r) => String(r[0])));
      for (const [type, billed, effective] of expected) {
        expect(byType.get(String(type))!.billed).toBeCloseTo(Number(billed), 9);
        expect(byType.get(String(type))!.effective).toBeCloseTo(Number(effective), 9);
      }
      expect(rows.every((r) => r.netUnblendedUsd === r.unblendedUsd && r.netAmortizedUsd === r.amortizedUsd)).toBe(
        true,
      );
      expect(new Set(rows.map((r) => r.chargeKind))).toEqual(new Set(['usage', 'credit']));
      // The Microsoft and Oracle rows are counted and said, not analysed.
      const others = (
        await duck.runAndReadAll(
          `SELECT ProviderName, count(*) FROM ${source} WHERE ProviderName <> 'AWS' GROUP BY 1 ORDER BY 1`,
        )
      ).getRows();
      expect(outcome.details!['otherProviders']).toMatchObject(
        others.map(([provider, n]) => ({ provider: String(provider), lineItems: Number(n) })),
      );
      // SubAccountName, stored as the account's name with its source.
      const names = (
        await duck.runAndReadAll(
          `SELECT DISTINCT SubAccountId, SubAccountName FROM ${source} WHERE ProviderName = 'AWS' ORDER BY 1`,
        )
      ).getRows();
      expect(outcome.counts['accountNames']).toBe(names.length);
      const stored = await accountNames(
        focus.db,
        names.map((n) => String(n[0])),
      );
      expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(names.map(([id, n]) => [String(id), String(n)])));
      expect(new Set((await focus.db.select().from(accounts)).map((a) => a.source))).toEqual(new Set(['focus']));
    } finally {
      await focus.drop();
    }
  });

  it('a FOCUS file without a required column: the error names the file and the column; nothing stored', async () => {
    const lines = readFileSync(FOCUS_CUT, 'utf8').split('\n');
    const header = lines[0]!.split(',');
    const drop = header.indexOf('"EffectiveCost"');
    const cut = lines
      .filter((l) => l !== '')
      .map((l) => {
        // The cut's quoted Tags column holds commas; EffectiveCost comes before it, so the first fields split cleanly.
        const fields = l.split(',');
        fields.splice(drop, 1);
        return fields.join(',');
      });
    const path = join(tmp, 'focus-without-effective-cost.csv');
    writeFileSync(path, `${cut.join('\n')}\n`);
    const before = await storedRows(files);
    const err = await failure(files, { CUR_SOURCE: 'files', CUR_PATH: path });
    expect(err.code).toBe('INPUT_INVALID');
    expect(err.message).toBe(`${path}: lacks the FOCUS column(s) EffectiveCost`);
    expect(await storedRows(files)).toBe(before);
  });

  it('a corrupt file among good ones: the error names it; nothing stored', async () => {
    const folder = mkdtempSync(join(tmp, 'corrupt-'));
    copyFileSync(FIXTURES.curParquet[0]!, join(folder, 'a-good.parquet'));
    const bytes = readFileSync(FIXTURES.curParquet[1]!);
    writeFileSync(join(folder, 'b-cut-short.parquet'), bytes.subarray(0, bytes.length / 2));
    const gz = readFileSync(CSV_GZ);
    const before = await storedRows(files);
    let err = await failure(files, { CUR_SOURCE: 'files', CUR_PATH: folder });
    expect(err.code).toBe('INPUT_INVALID');
    expect(err.message).toMatch(new RegExp(`^${join(folder, 'b-cut-short.parquet')}: cannot be read as Parquet: `));

    rmSync(join(folder, 'b-cut-short.parquet'));
    writeFileSync(join(folder, 'c-cut-short.csv.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    err = await failure(files, { CUR_SOURCE: 'files', CUR_PATH: folder });
    expect(err.message).toMatch(new RegExp(`^${join(folder, 'c-cut-short.csv.gz')}: cannot be read`));
    expect(await storedRows(files)).toBe(before);
  });

  it('from S3: copies the objects once, then only new or changed ones; a restated object replaces its day', async () => {
    const db = await createTestDatabase();
    const cache = join(tmp, 's3-cache');
    const env = { CUR_SOURCE: 'files', CUR_S3_URI: 's3://billing-exports/cur/workshop/', CUR_CACHE_DIR: cache };
    try {
      FIXTURES.curParquet.forEach((f, i) =>
        s3.putObject('billing-exports', `cur/workshop/2018${10 + i}/part-0.parquet`, f),
      );
      s3.putObject('billing-exports', 'cur/workshop/manifest.json', FOCUS_CUT); // not an export file: never fetched
      let outcome = await collect(db, env);
      expect(outcome.details).toMatchObject({ objects: 3, downloaded: 3, removed: 0, files: 3 });
      expect(s3.served('GetObject')).toBe(3);
      // Three keys in pages of two: the listing followed its continuation token.
      expect(s3.served('ListObjectsV2')).toBe(2);
      const first = withoutIds(await listCostDaily(db.db, RANGE));

      outcome = await collect(db, env);
      expect(outcome.details).toMatchObject({ objects: 3, downloaded: 0 });
      expect(s3.served('GetObject')).toBe(3);
      expect(withoutIds(await listCostDaily(db.db, RANGE))).toEqual(first);

      // November restated as the gzip CSV of the same day: one object fetched, its day replaced.
      s3.deleteObject('billing-exports', 'cur/workshop/201811/part-0.parquet');
      s3.putObject('billing-exports', 'cur/workshop/201811/part-0.csv.gz', CSV_GZ);
      outcome = await collect(db, env);
      expect(outcome.details).toMatchObject({ objects: 3, downloaded: 1, removed: 1 });
      expect(s3.served('GetObject')).toBe(4);
      expect((await listCostDaily(db.db, RANGE)).length).toBe(first.length);
    } finally {
      await db.drop();
    }
  });

  it('an S3 prefix it may not list: AWS_PERMISSION_DENIED naming s3:ListBucket; nothing stored', async () => {
    const db = await createTestDatabase();
    try {
      s3.putObject('locked-exports', 'cur/part-0.parquet', FIXTURES.curParquet[0]!);
      s3.faults.push({ op: 'ListObjectsV2', kind: 'access-denied' });
      const err = await failure(db, {
        CUR_SOURCE: 'files',
        CUR_S3_URI: 's3://locked-exports/cur/',
        CUR_CACHE_DIR: join(tmp, 'locked-cache'),
      });
      expect(err.code).toBe('AWS_PERMISSION_DENIED');
      expect(err.message).toContain('s3:ListBucket');
      expect(await storedRows(db)).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
