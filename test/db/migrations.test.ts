import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { migrationsFolder, runMigrations } from '../../src/db/run-migrations.js';
import { costDaily } from '../../src/db/schema/index.js';

const tables = [
  'action_events', 'actions', 'alerts', 'anomalies', 'cost_daily', 'cost_resource_daily', 'forecasts',
  'instance_types', 'instances', 'job_runs', 'metric_points', 'ml_models', 'prices', 'recommendations',
];

describe('migrations', () => {
  let database: TestDatabase;
  afterAll(() => database?.drop());

  it('create every table on an empty database, and a second run changes nothing', async () => {
    database = await createTestDatabase({ migrate: false });
    await runMigrations(database.url);
    const schemaOf = async () =>
      database.db.execute<{ table_name: string; column_name: string; data_type: string }>(
        sql`select table_name, column_name, data_type from information_schema.columns
            where table_schema = 'public' order by table_name, ordinal_position`,
      );
    const first = await schemaOf();
    expect([...new Set(first.map((r) => r.table_name))]).toEqual(tables);

    await database.db.insert(costDaily).values({
      day: '2018-10-01', accountId: '111122223333', service: 'AmazonEC2', region: 'us-east-1',
      usageType: 'BoxUsage:t2.micro', unblendedUsd: 1.25,
    });
    await runMigrations(database.url);
    expect(await schemaOf()).toEqual(first);
    const applied = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const files = readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql'));
    expect(applied[0]).toEqual({ n: files.length });
    const rows = await database.db.select().from(costDaily);
    expect(rows).toHaveLength(1);
  });
});
