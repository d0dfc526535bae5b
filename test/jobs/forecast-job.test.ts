import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { replaceCostDays } from '../../src/db/queries/cost-daily.js';
import { forecasts, mlModels } from '../../src/db/schema/index.js';
import { logger } from '../../src/logger.js';
import { forecastCosts, horizonDays } from '../../src/worker/jobs/analyze/forecast.js';
import { curCostDailyRows } from '../support/cur-fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const config = loadConfig('worker', {
  DATABASE_URL: 'postgres://unused',
  REDIS_URL: 'redis://unused',
  AWS_REGION: 'us-east-1',
});

interface Month {
  month: string;
  yhat: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

describe('forecast job on the real CUR', () => {
  let database: TestDatabase;
  const now = new Date('2019-01-01T09:00:00Z');
  const ctx = () => ({
    db: database.db,
    config,
    log: logger.child({ module: 'test' }),
    now: () => now,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('counts horizons to the end of the month N months ahead', () => {
    expect(horizonDays('2018-12-31', 3)).toBe(31 + 28 + 31);
    expect(horizonDays('2018-12-15', 3)).toBe(16 + 31 + 28 + 31);
  });

  it('skips with the reason when no cost data has been collected', async () => {
    expect((await forecastCosts(ctx(), {})).skipped).toMatch(/no CUR data collected yet/);
  });

  it('stores 3, 6 and 12-month forecasts with widening intervals, drivers and model versions', async () => {
    await replaceCostDays(database.db, {
      fromDay: '2018-10-01',
      toDay: '2019-01-01',
      rows: curCostDailyRows(),
      loadedAt: now,
    });
    const outcome = await forecastCosts(ctx(), {});
    expect(outcome.counts['forecasts']).toBeGreaterThanOrEqual(3);
    const total = await database.db.select().from(forecasts).where(eq(forecasts.scope, 'total'));
    expect(total.map((f) => f.horizonMonths).sort((a, b) => a - b)).toEqual([3, 6, 12]);
    const twelve = total.find((f) => f.horizonMonths === 12)!;
    // 92 days of history: a 12-month forecast is flagged low confidence with the reason.
    expect(twelve.confidence).toBe('low');
    expect(twelve.warnings.join(' ')).toMatch(/month/);
    const months = twelve.monthly as Month[];
    expect(months.map((m) => m.month)).toEqual([
      '2019-01',
      '2019-02',
      '2019-03',
      '2019-04',
      '2019-05',
      '2019-06',
      '2019-07',
      '2019-08',
      '2019-09',
      '2019-10',
      '2019-11',
      '2019-12',
    ]);
    for (const m of months) {
      expect(m.lower95).toBeLessThanOrEqual(m.lower80);
      expect(m.lower80).toBeLessThanOrEqual(m.yhat);
      expect(m.yhat).toBeLessThanOrEqual(m.upper80);
      expect(m.upper80).toBeLessThanOrEqual(m.upper95);
    }
    const daily = twelve.daily as Month[];
    const width = (i: number) => daily[i]!.upper80 - daily[i]!.lower80;
    expect(width(daily.length - 1)).toBeGreaterThan(width(0));
    expect(twelve.drivers.length).toBeGreaterThan(0);
    const model = await database.db.select().from(mlModels).where(eq(mlModels.id, twelve.modelId!));
    expect(model[0]).toMatchObject({ kind: 'forecast', scope: 'total', status: 'active', trainedTo: '2018-12-31' });
  }, 120_000);

  it('replaces the same day run instead of duplicating it, and gives identical figures', async () => {
    const before = await database.db.select().from(forecasts).where(eq(forecasts.scope, 'total'));
    await forecastCosts(ctx(), {});
    const after = await database.db.select().from(forecasts).where(eq(forecasts.scope, 'total'));
    expect(after).toHaveLength(before.length);
    const byHorizon = (rows: typeof after) => Object.fromEntries(rows.map((r) => [r.horizonMonths, r.monthly]));
    expect(byHorizon(after)).toEqual(byHorizon(before));
  }, 120_000);
});
