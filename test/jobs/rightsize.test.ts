import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { upsertInstanceTypes } from '../../src/db/queries/instance-types.js';
import { upsertInstances } from '../../src/db/queries/instances.js';
import { upsertMetricPoints } from '../../src/db/queries/metric-points.js';
import { upsertPrices } from '../../src/db/queries/prices.js';
import { recommendations } from '../../src/db/schema/index.js';
import { logger } from '../../src/logger.js';
import { rightsize } from '../../src/worker/jobs/analyze/rightsize.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { catalog } from '../rightsize/traces.js';
import { hourlyPoints as tracePoints } from './hourly-points.js';

const hourlyPoints = (id: string, kind: 'idle' | 'busy' | 'spiky', end: Date) => tracePoints(id, kind, 'm5.large', end);

const config = loadConfig('worker', {
  DATABASE_URL: 'postgres://unused',
  REDIS_URL: 'redis://unused',
  AWS_REGION: 'us-east-1',
});

describe('rightsize job', () => {
  let database: TestDatabase;
  const now = new Date('2026-11-20T00:00:00Z');
  const instance = (instanceId: string, instanceType: string) => ({
    instanceId,
    accountId: '123456789012',
    region: 'us-east-1',
    instanceType,
    state: 'running',
    lifecycle: 'on-demand',
    platform: 'Linux/UNIX',
    usageOperation: 'RunInstances',
    tags: {},
    availabilityZone: 'us-east-1a',
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    await upsertInstanceTypes(database.db, { specs: catalog.instanceTypes, source: 'catalog:test', updatedAt: now });
    await upsertPrices(database.db, { prices: catalog.prices });
    await upsertInstances(database.db, {
      rows: [
        instance('i-0000000000000idle', 'm5.large'),
        instance('i-0000000000000busy', 'm5.large'),
        instance('i-00000000000nodata', 'm5.large'),
        instance('i-0000000000unknown', 'z9.mega'),
      ],
      seenAt: now,
    });
    await upsertMetricPoints(database.db, {
      points: [
        ...hourlyPoints('i-0000000000000idle', 'idle', now),
        ...hourlyPoints('i-0000000000000busy', 'busy', now),
        ...hourlyPoints('i-0000000000unknown', 'idle', now),
      ],
    });
  });
  afterAll(() => database?.drop());

  const ctx = () => ({ db: database.db, config, log: logger.child({ module: 'test' }), now: () => now });

  it('stores one active recommendation per analysed instance and says which could not be analysed', async () => {
    const outcome = await rightsize(ctx(), {});
    expect(outcome.counts).toMatchObject({ instances: 4, recommendations: 2, analysed: 2, notAnalysed: 2 });
    const notAnalysed = outcome.details!['notAnalysed'] as string[];
    expect(notAnalysed).toContain('i-00000000000nodata (m5.large): no CloudWatch metrics in the lookback');
    expect(notAnalysed.find((x) => x.startsWith('i-0000000000unknown'))).toMatch(/z9\.mega.*not in the catalog/);
    const rows = await database.db.select().from(recommendations).where(eq(recommendations.status, 'active'));
    const idle = rows.find((r) => r.instanceId === 'i-0000000000000idle')!;
    // The idle VM of the fixture (VM 2: ~1 % CPU, ~0.5 GB used) must move off m5.large to something cheaper.
    expect(['idle', 'over-provisioned']).toContain(idle.finding);
    expect(idle.recommendedMonthlyUsd!).toBeLessThan(idle.currentMonthlyUsd!);
    // m5.large costs 0.096 $/h in the catalog: 0.096 x 730 = 70.08 $/month.
    expect(idle.currentMonthlyUsd).toBeCloseTo(70.08, 2);
    expect(idle.monthlySavingsUsd).toBeCloseTo(idle.currentMonthlyUsd! - idle.recommendedMonthlyUsd!, 2);
    expect(idle.reasoning).toMatch(/\d+ h/);
  });

  it('supersedes the previous run instead of duplicating it', async () => {
    await rightsize(ctx(), {});
    const all = await database.db.select().from(recommendations);
    expect(all.filter((r) => r.status === 'active')).toHaveLength(2);
    expect(all.filter((r) => r.status === 'superseded')).toHaveLength(2);
  });

  it('skips with a reason when nothing has been collected', async () => {
    const outcome = await rightsize(ctx(), { instanceIds: ['i-0123456789abcdef0'] });
    expect(outcome.skipped).toMatch(/no running instances/);
  });
});
