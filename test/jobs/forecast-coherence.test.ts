import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { replaceCostDays } from '../../src/db/queries/cost-daily.js';
import { forecasts } from '../../src/db/schema/index.js';
import { logger } from '../../src/logger.js';
import { forecastCosts } from '../../src/worker/jobs/analyze/forecast.js';
import { curCostDailyByCharge } from '../forecast/fixtures.js';
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
  actualToDateUsd: number;
  actualDays: number;
  forecastUsd: number;
  forecastDays: number;
  recurringUsd: number;
}
interface Day {
  day: string;
  yhat: number;
  recurringUsd: number;
}

/**
 * The forecast job on the real CUR with its charge types (RI fees on the 1st), replayed as of a
 * mid-month day and as of the last day: what Slack and the API read must hang together.
 */
describe('forecast job: coherent months, bounds, month-to-date and recurring fees (real CUR)', () => {
  let database: TestDatabase;
  const rows = async (asOf: string, scope = 'total') =>
    database.db
      .select()
      .from(forecasts)
      .where(and(eq(forecasts.scope, scope), eq(forecasts.runDay, asOf)));
  const run = (asOf: string) =>
    forecastCosts(
      {
        db: database.db,
        config,
        log: logger.child({ module: 'test' }),
        now: () => new Date('2019-01-02T09:00:00Z'),
      },
      { asOf },
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    await replaceCostDays(database.db, {
      fromDay: '2018-10-01',
      toDay: '2019-01-01',
      rows: await curCostDailyByCharge(),
      loadedAt: new Date('2019-01-01T00:00:00Z'),
    });
    await run('2018-12-15');
    await run('2018-12-31');
  }, 120_000);
  afterAll(() => database?.drop());

  it('gives each month one figure, equal to its month-to-date actual plus its days, the same at 3, 6 and 12 months', async () => {
    for (const asOf of ['2018-12-15', '2018-12-31']) {
      const runs = await rows(asOf);
      expect(runs.map((r) => r.horizonMonths).sort((a, b) => a - b)).toEqual([3, 6, 12]);
      const byMonth = new Map<string, number>();
      for (const r of runs) {
        const days = r.daily as Day[];
        for (const m of r.monthly as Month[]) {
          const sum = days.filter((d) => d.day.startsWith(m.month)).reduce((s, d) => s + d.yhat, 0);
          expect(Math.abs(m.actualToDateUsd + sum - m.yhat)).toBeLessThanOrEqual(0.01 * m.yhat + 0.05);
          if (byMonth.has(m.month)) expect(m.yhat).toBe(byMonth.get(m.month));
          byMonth.set(m.month, m.yhat);
        }
      }
      // Horizons count whole months after the current one.
      const three = runs.find((r) => r.horizonMonths === 3)!.monthly as Month[];
      expect(three.map((m) => m.month)).toEqual(
        asOf === '2018-12-15' ? ['2018-12', '2019-01', '2019-02', '2019-03'] : ['2019-01', '2019-02', '2019-03'],
      );
    }
  });

  it('nests 80 % in 95 %, never below zero, never above 10x the largest month seen', async () => {
    const byMonth = new Map<string, number>();
    for (const r of await curCostDailyByCharge())
      byMonth.set(r.day.slice(0, 7), (byMonth.get(r.day.slice(0, 7)) ?? 0) + r.unblendedUsd);
    const largestMonth = Math.max(...byMonth.values());
    for (const asOf of ['2018-12-15', '2018-12-31']) {
      for (const scope of ['total', 'service:AmazonRDS', 'service:AWSGlue', 'service:AmazonEC2']) {
        const runs = await rows(asOf, scope);
        expect(runs).toHaveLength(3);
        for (const r of runs) {
          for (const m of r.monthly as Month[]) {
            expect(m.lower95).toBeGreaterThanOrEqual(0);
            expect(m.lower95).toBeLessThanOrEqual(m.lower80);
            expect(m.lower80).toBeLessThanOrEqual(m.yhat);
            expect(m.yhat).toBeLessThanOrEqual(m.upper80);
            expect(m.upper80).toBeLessThanOrEqual(m.upper95);
            expect(m.upper95).toBeLessThanOrEqual(10 * largestMonth);
          }
        }
      }
    }
  });

  it('splits the current month into its month-to-date actual and the forecast of the remaining days', async () => {
    const [dec] = (await rows('2018-12-15')).find((r) => r.horizonMonths === 3)!.monthly as Month[];
    const actual = (await curCostDailyByCharge())
      .filter((r) => r.day >= '2018-12-01' && r.day <= '2018-12-15')
      .reduce((s, r) => s + r.unblendedUsd, 0);
    expect(dec).toMatchObject({ month: '2018-12', actualDays: 15, forecastDays: 16 });
    expect(dec!.actualToDateUsd).toBeCloseTo(actual, 1);
    expect(dec!.lower95).toBeGreaterThanOrEqual(dec!.actualToDateUsd - 0.01);
  });

  it('puts the RI fees on the 1st of each forecast month, on top of the usage run rate', async () => {
    const days = (await rows('2018-12-31')).find((r) => r.horizonMonths === 3)!.daily as Day[];
    const fee = (await curCostDailyByCharge())
      .filter((r) => r.day === '2018-12-01' && r.chargeKind === 'recurring-fee')
      .reduce((s, r) => s + r.unblendedUsd, 0);
    expect(fee).toBeGreaterThan(100);
    for (const first of ['2019-01-01', '2019-02-01', '2019-03-01']) {
      const d = days.find((x) => x.day === first)!;
      expect(d.recurringUsd).toBeCloseTo(fee, 1);
      const next = days.find((x) => x.day === `${first.slice(0, 8)}02`)!;
      expect(d.yhat - next.yhat).toBeGreaterThan(0.9 * fee - 2);
    }
    // Usage after the RDS shutdown runs at about $8 a day: the months are about 30 x $8 + the fee, not the November level.
    const jan = ((await rows('2018-12-31')).find((r) => r.horizonMonths === 3)!.monthly as Month[])[0]!;
    expect(jan.recurringUsd).toBeCloseTo(fee, 0);
    expect(jan.yhat).toBeGreaterThan(fee + 31 * 5);
    expect(jan.yhat).toBeLessThan(fee + 31 * 12);
  });

  it('forecasts a scope that went to zero at zero, and says why', async () => {
    const glue = await rows('2018-12-31', 'service:AWSGlue');
    expect(glue).toHaveLength(3);
    for (const r of glue) {
      for (const m of r.monthly as Month[]) expect(m.yhat).toBe(0);
      expect((r.trend as { methodReason: string }).methodReason).toMatch(/no usage on the last 14 days/);
    }
  });
});
