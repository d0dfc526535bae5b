import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { setAnomalyFeedback } from '../../src/db/queries/anomalies.js';
import { replaceCostDays } from '../../src/db/queries/cost-daily.js';
import { anomalies, mlModels } from '../../src/db/schema/index.js';
import { logger } from '../../src/logger.js';
import { scoreAnomalies } from '../../src/worker/jobs/analyze/score-anomalies.js';
import { trainAnomaly } from '../../src/worker/jobs/analyze/train-anomaly.js';
import { curCostDailyRows } from '../support/cur-fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// The sample CUR holds 92 days, so the minimum history is lowered to 30 days for these tests.
const config = loadConfig('worker', {
  DATABASE_URL: 'postgres://unused',
  REDIS_URL: 'redis://unused',
  AWS_REGION: 'us-east-1',
  ANOMALY_DIRECTION: 'both',
  ANOMALY_MIN_HISTORY_DAYS: '30',
  ANOMALY_MIN_IMPACT_USD: '5',
  ANOMALY_SCOPES: 'total,service,account',
});

describe('anomaly training and scoring jobs on the real CUR', () => {
  let database: TestDatabase;
  const now = new Date('2019-01-01T08:00:00Z');
  const ctx = () => ({ db: database.db, config, log: logger.child({ module: 'test' }), now: () => now });

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('skips with the reason when no cost data has been collected', async () => {
    expect((await trainAnomaly(ctx(), {})).skipped).toMatch(/no CUR data collected yet.*ATHENA_/);
    expect((await scoreAnomalies(ctx(), {})).skipped).toMatch(/no CUR data collected yet/);
  });

  it('trains a versioned, reproducible model per scope with enough history', async () => {
    await replaceCostDays(database.db, {
      fromDay: '2018-10-01',
      toDay: '2019-01-01',
      rows: curCostDailyRows(),
      loadedAt: now,
    });
    const first = await trainAnomaly(ctx(), {});
    expect(first.counts['trained']).toBeGreaterThan(0);
    // Total, 2 accounts and 4 services; services used on fewer than 30 days are reported, not trained.
    expect(first.counts['scopes']).toBe(7);
    expect(first.counts['trained']! + first.counts['tooShort']!).toBe(7);
    const second = await trainAnomaly(ctx(), {});
    expect(second.counts['trained']).toBe(first.counts['trained']);
    const models = await database.db
      .select()
      .from(mlModels)
      .where(eq(mlModels.scope, 'total'))
      .orderBy(asc(mlModels.version));
    expect(models.map((m) => [m.version, m.status])).toEqual([
      [1, 'superseded'],
      [2, 'active'],
    ]);
    expect(models[1]!.artifact).toEqual(models[0]!.artifact);
    expect(models[1]!.trainedTo).toBe('2018-12-31');
    expect(models[1]!.seed).toBe(1);
    expect(models[1]!.features.length).toBeGreaterThan(3);
  });

  it('stores anomalies with impact and root cause, and re-scoring updates instead of duplicating', async () => {
    const first = await scoreAnomalies(ctx(), {});
    // The default window: the newest ANOMALY_SCORE_DAYS (14) days.
    expect(first.details?.['window']).toBe('2018-12-18..2018-12-31');
    expect(first.counts['anomalies']).toBeGreaterThan(0);
    const stored = await database.db.select().from(anomalies);
    expect(stored).toHaveLength(first.counts['anomalies']!);
    for (const a of stored) {
      expect(a.impactUsd).toBeCloseTo(a.actualUsd - a.expectedUsd, 6);
      expect(a.score).toBeGreaterThanOrEqual(0);
      expect(a.score).toBeLessThanOrEqual(1);
      expect(a.durationDays).toBeGreaterThanOrEqual(1);
      const causes = a.rootCause as { deltaUsd: number }[];
      const deltas = causes.map((c) => Math.abs(c.deltaUsd));
      expect(deltas).toEqual([...deltas].sort((x, y) => y - x));
    }
    const withModel = stored.filter((a) => a.modelId !== null);
    expect(withModel.length).toBeGreaterThan(0);

    await setAnomalyFeedback(database.db, { id: stored[0]!.id, feedback: 'not-anomaly', by: 'U0TEST', at: now });
    const again = await scoreAnomalies(ctx(), {});
    expect(again.counts['created']).toBe(0);
    expect(again.counts['updated']).toBe(stored.length);
    const after = await database.db.select().from(anomalies);
    expect(after).toHaveLength(stored.length);
    expect(after.find((a) => a.id === stored[0]!.id)!.feedback).toBe('not-anomaly');
  });
});

describe('the scoring job on a window of the real CUR', () => {
  let database: TestDatabase;
  const now = new Date('2019-01-01T08:00:00Z');
  const ctx = () => ({ db: database.db, config, log: logger.child({ module: 'test' }), now: () => now });

  beforeAll(async () => {
    database = await createTestDatabase();
    await replaceCostDays(database.db, {
      fromDay: '2018-10-01',
      toDay: '2019-01-01',
      rows: curCostDailyRows(),
      loadedAt: now,
    });
  });
  afterAll(() => database?.drop());

  it('stores the anomalies of the real CUR that reach into the window: AWS Glue stopping and QuickSight dropping', async () => {
    const fromDay = '2018-11-21';
    const outcome = await scoreAnomalies(ctx(), { fromDay });
    expect(outcome.details?.['window']).toBe('2018-11-21..2018-12-31');
    // Read off the real export: AWS Glue stops on 2018-11-21 (about $33/day before) and QuickSight
    // falls from 2018-11-26; both run to the end of the data. The 100-day grid puts the first model
    // (day 30) in force for the whole 92 days.
    const stored = await database.db.select().from(anomalies);
    const found = stored
      .map((a) => ({
        scope: a.scope,
        startDay: a.startDay,
        endDay: a.endDay,
        actualUsd: a.actualUsd,
        expectedUsd: a.expectedUsd,
      }))
      .sort((x, y) => (x.scope < y.scope ? -1 : 1));
    expect(found.map(({ scope, startDay, endDay }) => `${scope} ${startDay}..${endDay}`)).toEqual([
      'service:AWSGlue 2018-11-21..2018-12-31',
      // QuickSight's November step up (11-24..11-30, $1.60/day) and its December proration
      // ($1.48-1.55/day) move opposite ways: two events, and only the drop is large enough.
      'service:AmazonQuickSight 2018-12-01..2018-12-31',
    ]);
    expect(found[0]!.actualUsd).toBe(0);
    expect(found[0]!.expectedUsd).toBeCloseTo(1102.69, 1);
    expect(found[1]!.actualUsd).toBeLessThan(found[1]!.expectedUsd - 5);
  });
});

describe('the scoring job with the default direction and thresholds on the real CUR', () => {
  let database: TestDatabase;
  const now = new Date('2019-01-01T08:00:00Z');
  // Defaults but the history (the export has 92 days) and every scope kind.
  const defaults = loadConfig('worker', {
    DATABASE_URL: 'postgres://unused',
    REDIS_URL: 'redis://unused',
    AWS_REGION: 'us-east-1',
    ANOMALY_MIN_HISTORY_DAYS: '30',
    ANOMALY_SCOPES: 'total,account,service,account-service,region,usage-type',
  });
  const run = (config: typeof defaults) =>
    scoreAnomalies(
      { db: database.db, config, log: logger.child({ module: 'test' }), now: () => now },
      {
        fromDay: '2018-10-01',
      },
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    await replaceCostDays(database.db, {
      fromDay: '2018-10-01',
      toDay: '2019-01-01',
      rows: curCostDailyRows(),
      loadedAt: now,
    });
  });
  afterAll(() => database?.drop());

  it('stores no decrease and nothing under $10 or 10 %; AWS Glue stopping is raised only with ANOMALY_DIRECTION=both', async () => {
    await run(defaults);
    const stored = await database.db.select().from(anomalies);
    for (const a of stored) {
      expect(a.impactUsd).toBeGreaterThanOrEqual(10);
      expect(a.impactPercent === null || a.impactPercent >= 10).toBe(true);
    }
    expect(stored.filter((a) => a.service === 'AWSGlue')).toEqual([]);

    await run({ ...defaults, ANOMALY_DIRECTION: 'both' });
    const both = await database.db.select().from(anomalies);
    const glue = both.filter((a) => a.service === 'AWSGlue' && a.startDay === '2018-11-21');
    expect(glue.length).toBeGreaterThan(0);
    for (const a of glue) expect(a.actualUsd).toBe(0);
    for (const a of both) {
      expect(Math.abs(a.impactUsd)).toBeGreaterThanOrEqual(10);
      expect(a.impactPercent === null || Math.abs(a.impactPercent) >= 10).toBe(true);
    }
  });
});
