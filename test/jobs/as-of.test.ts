import { gte } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { anomalies, forecasts, metricPoints, recommendations } from '../../src/db/schema/index.js';
import { forecastCosts } from '../../src/worker/jobs/analyze/forecast.js';
import { rightsize } from '../../src/worker/jobs/analyze/rightsize.js';
import { scoreAnomalies } from '../../src/worker/jobs/analyze/score-anomalies.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { JOB_SETTINGS, loadCatalog, loadCostDaily, loadTraces, readCostRows } from '../support/real-data.js';

// --as-of: a job run as of a day on the whole history gives what the same job gives on a history
// that ends that day (the real CUR of Oct-Dec 2018, the real Bitbrains traces).
const AS_OF = '2018-11-30';
const config = {
  ...loadConfig('worker', { DATABASE_URL: 'postgres://unused', REDIS_URL: 'redis://unused', AWS_REGION: 'us-east-1' }),
  ...JOB_SETTINGS,
  ANOMALY_SCORE_DAYS: 30,
};
const log = pino({ level: 'silent' });
const NOW = new Date('2019-01-01T09:00:00Z');
let full: TestDatabase;
let cut: TestDatabase;

beforeAll(async () => {
  [full, cut] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await loadCostDaily(full.db);
  await loadCostDaily(
    cut.db,
    readCostRows().filter((r) => r.day <= AS_OF),
  );
});
afterAll(async () => {
  await Promise.all([full?.drop(), cut?.drop()]);
});

const ctx = (db: TestDatabase) => ({ db: db.db, config, log, now: () => NOW });

describe('as of a day', () => {
  it('scores the days up to it and ignores the costs after it', async () => {
    const asOf = await scoreAnomalies(ctx(full), { asOf: AS_OF });
    const ended = await scoreAnomalies(ctx(cut), {});
    expect(asOf.details?.['window']).toBe('2018-11-01..2018-11-30');
    expect(asOf.counts).toEqual(ended.counts);
    const stored = async (db: TestDatabase) =>
      (await db.db.select().from(anomalies).orderBy(anomalies.scope, anomalies.startDay)).map(
        ({ id: _id, createdAt: _c, updatedAt: _u, modelId: _m, ...rest }) => rest,
      );
    const rows = await stored(full);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((a) => a.endDay <= AS_OF)).toBe(true);
    expect(rows).toEqual(await stored(cut));
  });

  it('refuses a day before the stored costs, saying which days are stored', async () => {
    await expect(scoreAnomalies(ctx(full), { asOf: '2018-09-01' })).rejects.toThrow(
      'no cost data on or before 2018-09-01: the stored CUR days are 2018-10-01..2018-12-31',
    );
  });

  it('forecasts from the history up to it, stored as the forecast of that day', async () => {
    const asOf = await forecastCosts(ctx(full), { asOf: AS_OF });
    const ended = await forecastCosts(ctx(cut), {});
    expect(asOf.counts).toEqual(ended.counts);
    const total = async (db: TestDatabase) =>
      (await db.db.select().from(forecasts)).filter((f) => f.scope === 'total' && f.horizonMonths === 3);
    const [replayed] = await total(full);
    const [truncated] = await total(cut);
    expect(replayed).toMatchObject({ runDay: AS_OF, historyTo: AS_OF });
    expect(truncated!.runDay).toBe('2019-01-01');
    expect(replayed!.daily).toEqual(truncated!.daily);
    expect(replayed!.monthly).toEqual(truncated!.monthly);
  }, 240_000);

  it('right-sizes on the lookback that ends with it, ignoring later CloudWatch points', async () => {
    const end = new Date('2026-11-20T00:00:00Z');
    const cases = [
      { instanceId: 'i-0a000000000000001', accountId: '111111111111', trace: 'idle', type: 'm5.large' },
      { instanceId: 'i-0a000000000000002', accountId: '111111111111', trace: 'busy', type: 'm5.large' },
    ] as const;
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      for (const db of [a, b]) {
        await loadCatalog(db.db);
        await loadTraces(db.db, cases, end);
      }
      // As of 2026-11-17: the points of the last 2 days stay in `a`, and are deleted from `b`.
      const dayAfter = new Date('2026-11-18T00:00:00Z');
      await b.db.delete(metricPoints).where(gte(metricPoints.ts, dayAfter));
      const rsConfig = { ...config, RIGHTSIZE_LOOKBACK_DAYS: 7 };
      const replayed = await rightsize({ db: a.db, config: rsConfig, log, now: () => end }, { asOf: '2026-11-17' });
      const truncated = await rightsize({ db: b.db, config: rsConfig, log, now: () => dayAfter }, {});
      expect(replayed.counts).toMatchObject({ instances: 2, recommendations: 2 });
      expect(replayed).toEqual(truncated);
      const recs = async (db: TestDatabase) =>
        (await db.db.select().from(recommendations).orderBy(recommendations.instanceId)).map((r) => ({
          instanceId: r.instanceId,
          finding: r.finding,
          recommendedType: r.recommendedType,
          monthlySavingsUsd: r.monthlySavingsUsd,
          confidence: r.confidence,
          reasoning: r.reasoning,
          details: r.details,
        }));
      expect(await recs(a)).toEqual(await recs(b));
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  }, 120_000);
});
