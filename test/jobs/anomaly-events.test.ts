import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { setAnomalyFeedback } from '../../src/db/queries/anomalies.js';
import { replaceCostDays } from '../../src/db/queries/cost-daily.js';
import { anomalies, type Anomaly } from '../../src/db/schema/index.js';
import { logger } from '../../src/logger.js';
import { compatible } from '../../src/ml/anomaly/cost-events.js';
import { rootCauseText } from '../../src/slack/messages/anomaly-detail.js';
import { usageTypeOfScope } from '../../src/slack/messages/scope-label.js';
import { scoreAnomalies } from '../../src/worker/jobs/analyze/score-anomalies.js';
import { curCostDailyRows } from '../support/cur-fixture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDays } from '../../src/days.js';

// The sample CUR holds 92 days: 30 days of history before scoring; every scope kind; drops too
// (AWS Glue's stop of 2018-11-21 is the export's clearest event); default thresholds ($10 and 10 %).
const config = loadConfig('worker', {
  DATABASE_URL: 'postgres://unused',
  REDIS_URL: 'redis://unused',
  AWS_REGION: 'us-east-1',
  ANOMALY_DIRECTION: 'both',
  ANOMALY_MIN_HISTORY_DAYS: '30',
  ANOMALY_SCOPES: 'total,account,service,account-service,region,usage-type',
});

const dimensionsOf = (a: Anomaly) => ({
  accountId: a.accountId ?? undefined,
  service: a.service ?? undefined,
  region: a.region ?? undefined,
  usageType: usageTypeOfScope(a.scope),
});

interface Entry {
  dimension: string;
  value: string;
  deltaUsd?: number;
  expectedUsd?: number;
  share?: number;
}

describe('one event, one anomaly, over the scope hierarchy (real CUR, every scope kind)', () => {
  let database: TestDatabase;
  const now = new Date('2019-01-01T08:00:00Z');
  const rows = curCostDailyRows();
  const score = (fromDay: string, asOf?: string) =>
    scoreAnomalies(
      { db: database.db, config, log: logger.child({ module: 'test' }), now: () => now },
      { fromDay, ...(asOf === undefined ? {} : { asOf }) },
    );
  const stored = () => database.db.select().from(anomalies);
  const glueStop = (list: Anomaly[]) =>
    list.filter((a) => a.startDay === '2018-11-21' && a.impactUsd < 0 && (a.service ?? 'AWSGlue') === 'AWSGlue');

  beforeAll(async () => {
    database = await createTestDatabase();
    await replaceCostDays(database.db, { fromDay: '2018-10-01', toDay: '2019-01-01', rows, loadedAt: now });
  });
  afterAll(() => database?.drop());

  it('stores each event once, at one scope, with the other scopes folded into its root cause', async () => {
    const outcome = await score('2018-11-21');
    const list = await stored();
    expect(outcome.counts['foldedScopes']).toBeGreaterThan(0);
    expect(outcome.counts['anomalies']).toBe(list.length);
    // No two stored anomalies over the same days, moving the same way, can be the same spend.
    for (const [i, a] of list.entries()) {
      for (const b of list.slice(i + 1)) {
        const overlap = a.startDay <= b.endDay && b.startDay <= a.endDay;
        if (overlap && Math.sign(a.impactUsd) === Math.sign(b.impactUsd))
          expect(compatible(dimensionsOf(a), dimensionsOf(b)), `${a.scope} and ${b.scope}`).toBe(false);
      }
    }
    const [glue] = glueStop(list);
    expect(glueStop(list)).toHaveLength(1);
    const folded = (glue!.rootCause as Entry[]).find((e) => e.dimension === 'same event');
    expect(folded?.value).toMatch(/^also seen at .*service AWSGlue/);
    expect(rootCauseText(glue!)).toContain('same event: also seen at');
  });

  it('attributes the headline impact to slices whose contributions add up to at most 100 %, with no $0.00 row', async () => {
    const list = await stored();
    expect(list.length).toBeGreaterThan(0);
    for (const a of list) {
      const slices = (a.rootCause as Entry[]).filter((e) => e.dimension === 'slice');
      expect(slices.length, a.scope).toBeGreaterThan(0);
      const sum = slices.reduce((s, e) => s + e.deltaUsd!, 0);
      expect(Math.abs(sum)).toBeLessThanOrEqual(Math.abs(a.impactUsd) + 1e-6);
      const shares = slices.reduce((s, e) => s + e.share!, 0);
      expect(shares).toBeLessThanOrEqual(1 + 1e-9);
      for (const e of slices) {
        expect(Math.sign(e.deltaUsd!)).toBe(Math.sign(a.impactUsd));
        expect(Math.abs(e.deltaUsd!)).toBeGreaterThanOrEqual(0.005);
        // One expected figure: a slice's expected cost is its part of the headline's.
        expect(e.expectedUsd!).toBeLessThanOrEqual(a.expectedUsd + 1e-6);
        expect(e.value.split(' · ')).toHaveLength(4);
      }
      expect(rootCauseText(a)).not.toMatch(/\$0\.00 \(/);
    }
    // AWS Glue's stop: its one slice (account · AWSGlue · us-east-1 · the DPU-hour usage type) is all of it.
    const [glue] = glueStop(list);
    const top = (glue!.rootCause as Entry[])[0]!;
    expect(top.value).toMatch(/^836060457634 · AWSGlue · us-east-1 · /);
    expect(top.share).toBeCloseTo(1, 2);
    expect(top.deltaUsd).toBeCloseTo(glue!.impactUsd, 2);
  });

  it('carries feedback to the event when the next nights re-score it, and withdraws nothing answered', async () => {
    const [glue] = glueStop(await stored());
    await setAnomalyFeedback(database.db, { id: glue!.id, feedback: 'expected', by: 'U0FINOPS', at: now });
    const again = await score('2018-11-21');
    expect(again.counts['created']).toBe(0);
    const after = glueStop(await stored());
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: glue!.id, feedback: 'expected', feedbackBy: 'U0FINOPS' });
  });

  it('updates the event in place when the CUR restates one of its days', async () => {
    const before = await stored();
    const [glue] = glueStop(before);
    // The export is restated for 2018-11-21: AWS Glue's dev endpoint billed $20 more that day.
    const glueRow = rows.find((r) => r.service === 'AWSGlue' && r.day === '2018-11-20')!;
    const restated = [
      ...rows.filter((r) => r.day === '2018-11-21'),
      { ...glueRow, day: '2018-11-21', unblendedUsd: 20, usageAmount: null },
    ];
    await replaceCostDays(database.db, { fromDay: '2018-11-21', toDay: '2018-11-22', rows: restated, loadedAt: now });
    const outcome = await score('2018-11-21');
    expect(outcome.counts['created']).toBe(0);
    const after = await stored();
    expect(after).toHaveLength(before.length);
    const [updated] = glueStop(after);
    expect(updated!.id).toBe(glue!.id);
    expect(updated!.actualUsd).toBeCloseTo(glue!.actualUsd + 20, 6);
    expect(updated!.feedback).toBe('expected');
  });
});

describe('a level shift that persists is raised once, on the first night that sees it, then settles', () => {
  let database: TestDatabase;
  // The default scopes; 28 days of history before scoring (the export has 92 days).
  const nightly = loadConfig('worker', {
    DATABASE_URL: 'postgres://unused',
    REDIS_URL: 'redis://unused',
    AWS_REGION: 'us-east-1',
    ANOMALY_DIRECTION: 'both',
    ANOMALY_MIN_HISTORY_DAYS: '28',
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    const now = new Date('2019-01-01T08:00:00Z');
    await replaceCostDays(database.db, {
      fromDay: '2018-10-01',
      toDay: '2019-01-01',
      rows: curCostDailyRows(),
      loadedAt: now,
    });
  });
  afterAll(() => database?.drop());

  it("AWS Glue's stop of 2018-11-21: one anomaly, raised the night of 2018-11-21, nothing new on the 40 nights after", async () => {
    const raisedOn = new Map<number, string>();
    for (let day = '2018-11-15'; day <= '2018-12-31'; day = addDays(day, 1)) {
      const now = new Date(`${addDays(day, 1)}T07:00:00Z`);
      const outcome = await scoreAnomalies(
        { db: database.db, config: nightly, log: logger.child({ module: 'test' }), now: () => now },
        { asOf: day },
      );
      for (const id of (outcome.details?.['newAnomalyIds'] as number[]) ?? []) raisedOn.set(id, day);
    }
    const glue = (await database.db.select().from(anomalies)).filter((a) => a.service === 'AWSGlue');
    expect(glue).toHaveLength(1);
    expect(glue[0]!.startDay).toBe('2018-11-21');
    expect(raisedOn.get(glue[0]!.id)).toBe('2018-11-21');
    expect(glue[0]!.actualUsd).toBe(0);
  });
});
