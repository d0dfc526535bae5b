import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { executeRows } from '../../src/db/client.js';
import { migrationsFolder, runMigrations } from '../../src/db/run-migrations.js';
import { costDaily, costResourceDaily } from '../../src/db/schema/index.js';

const tables = [
  'accounts',
  'action_events',
  'actions',
  'alerts',
  'anomalies',
  'cost_daily',
  'cost_resource_daily',
  'forecasts',
  'instance_types',
  'instances',
  'job_runs',
  'metric_points',
  'ml_models',
  'prices',
  'recommendations',
];

/** A copy of the migrations folder that stops after the first `count` migrations. */
function migrationsUpTo(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'costbot-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe('migrations', () => {
  let database: TestDatabase;
  let upgraded: TestDatabase;
  afterAll(async () => {
    await database?.drop();
    await upgraded?.drop();
  });

  it('create every table on an empty database, and a second run changes nothing', async () => {
    database = await createTestDatabase({ migrate: false });
    await runMigrations(database.url);
    const schemaOf = async () =>
      executeRows<{ table_name: string; column_name: string; data_type: string }>(
        database.db,
        sql`select table_name, column_name, data_type from information_schema.columns
            where table_schema = 'public' order by table_name, ordinal_position`,
      );
    const first = await schemaOf();
    expect([...new Set(first.map((r) => r.table_name))]).toEqual(tables);

    await database.db.insert(costDaily).values({
      day: '2018-10-01',
      accountId: '111122223333',
      service: 'AmazonEC2',
      region: 'us-east-1',
      usageType: 'BoxUsage:t2.micro',
      unblendedUsd: 1.25,
    });
    await runMigrations(database.url);
    expect(await schemaOf()).toEqual(first);
    const applied = await executeRows(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const files = readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql'));
    expect(applied[0]).toEqual({ n: files.length });
    const rows = await database.db.select().from(costDaily);
    expect(rows).toHaveLength(1);
  });

  it("0002 keeps the per-resource costs stored before it, with usage type '', and keys new rows by usage type", async () => {
    upgraded = await createTestDatabase({ migrate: false });
    const before = migrationsUpTo(2);
    try {
      await runMigrations(upgraded.url, before);
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
    await upgraded.db
      .execute(sql`insert into cost_resource_daily (day, account_id, resource_id, service, region, unblended_usd)
      values ('2018-10-01', '011254002932', 'i-0512991d4fa76e853', 'AmazonEC2', 'us-east-1', 0.1044)`);
    await runMigrations(upgraded.url);
    const kept = await upgraded.db.select().from(costResourceDaily);
    expect(kept.map((r) => [r.resourceId, r.usageType, r.unblendedUsd])).toEqual([['i-0512991d4fa76e853', '', 0.1044]]);
    // Same day and instance, two usage types (real CUR rows of 2018-10-01): two rows now.
    const row = {
      day: '2018-10-01',
      accountId: '836060457634',
      resourceId: 'i-0ed9420a261b3f355',
      service: 'AmazonEC2',
      region: 'us-east-1',
    };
    await upgraded.db.insert(costResourceDaily).values([
      { ...row, usageType: 'BoxUsage:m4.xlarge', unblendedUsd: 4.8 },
      { ...row, usageType: 'DataTransfer-Out-Bytes', unblendedUsd: 0 },
    ]);
    expect(await upgraded.db.select().from(costResourceDaily)).toHaveLength(3);
  });

  it("0003-0004 keep the costs stored before them as charge type '' (kind 'unknown') and pricing term '', and key new rows by them", async () => {
    const older = await createTestDatabase({ migrate: false });
    try {
      const before = migrationsUpTo(3);
      try {
        await runMigrations(older.url, before);
      } finally {
        rmSync(before, { recursive: true, force: true });
      }
      // The real CUR's t2.micro hours of 2018-10-01 in us-east-1 (account 836060457634, Usage and
      // DiscountedUsage lines together) as 0002 stored them.
      await older.db
        .execute(sql`insert into cost_daily (day, account_id, service, region, usage_type, unblended_usd, amortized_usd)
        values ('2018-10-01', '836060457634', 'AmazonEC2', 'us-east-1', 'BoxUsage:t2.micro', 0.1387649884, 1.1090228284)`);
      await older.db
        .execute(sql`insert into cost_resource_daily (day, account_id, resource_id, service, region, usage_type, unblended_usd)
        values ('2018-10-01', '011254002932', 'i-0512991d4fa76e853', 'AmazonEC2', 'us-east-1', 'BoxUsage:t2.micro', 0.1044)`);
      await runMigrations(older.url);
      const kept = await older.db.select().from(costDaily);
      expect(kept.map((r) => [r.chargeType, r.chargeKind, r.unblendedUsd, r.amortizedUsd, r.netAmortizedUsd])).toEqual([
        ['', 'unknown', 0.1387649884, 1.1090228284, null],
      ]);
      const keptResource = await older.db.select().from(costResourceDaily);
      expect(keptResource.map((r) => [r.pricingTerm, r.unblendedUsd, r.amortizedUsd, r.usageAmount])).toEqual([
        ['', 0.1044, null, null],
      ]);
      // The same key as its Usage and DiscountedUsage lines: two more rows beside the old one.
      const key = kept[0]!;
      await older.db.insert(costDaily).values([
        { ...key, chargeType: 'Usage', chargeKind: 'usage', amortizedUsd: 0.1387649884 },
        { ...key, chargeType: 'DiscountedUsage', chargeKind: 'usage', unblendedUsd: 0, amortizedUsd: 0.97025784 },
      ]);
      expect(await older.db.select().from(costDaily)).toHaveLength(3);
    } finally {
      await older.drop();
    }
  });
});
