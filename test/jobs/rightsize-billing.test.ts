import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { upsertInstanceTypes } from '../../src/db/queries/instance-types.js';
import { upsertInstances, type InstanceSnapshot } from '../../src/db/queries/instances.js';
import { upsertMetricPoints } from '../../src/db/queries/metric-points.js';
import { upsertPrices } from '../../src/db/queries/prices.js';
import { markRecommendationApplied, savingsSummary } from '../../src/db/queries/recommendations.js';
import { createActionRequest, decideAction, finishAction, startAction } from '../../src/db/queries/actions.js';
import { finishJobRun, startJobRun } from '../../src/db/queries/job-runs.js';
import { whyNoRecommendation } from '../../src/bot/pages/no-recommendation.js';
import { recommendations } from '../../src/db/schema/index.js';
import { jobWarning } from '../../src/jobs/job-findings.js';
import { collectCostsPayload } from '../../src/jobs/schemas/collect.js';
import { logger } from '../../src/logger.js';
import { collectCosts } from '../../src/worker/jobs/collect/costs.js';
import { rightsize } from '../../src/worker/jobs/analyze/rightsize.js';
import { legacyCurTable, startAthenaStandin, type AthenaStandin } from '../aws-standins/athena.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import { collectContext } from '../collect/collect-context.js';
import { curOnDemandPrices } from '../support/cur-platform-prices.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { catalog } from '../rightsize/traces.js';
import { hourlyPoints } from './hourly-points.js';

/**
 * The rightsize job on real billing shapes: instances named as in the real CUR export (cur-2018,
 * day-1 cut) with their platform codes and lifecycles as DescribeInstances gives them, the CUR
 * collected through the Athena stand-in (reserved hours at their effective cost, spot hours),
 * Windows priced at the public on-demand rate that same CUR billed it at, Linux from the catalog.
 */
const AS_OF = '2018-11-01';
const END = new Date('2018-11-02T00:00:00Z');
const config = loadConfig('worker', {
  DATABASE_URL: 'postgres://unused',
  REDIS_URL: 'redis://unused',
  AWS_REGION: 'us-east-1',
});

const LINUX = { platform: 'Linux/UNIX', usageOperation: 'RunInstances' };
const WINDOWS = { platform: 'Windows', usageOperation: 'RunInstances:0002' };
/** Windows m5.large, on-demand on 2018-11-01 in the CUR. */
const WINDOWS_ON_DEMAND = 'i-09676b3839354c8ae';
/** Linux c5.large, 23 of its 24 hours of 2018-11-01 reserved. */
const RESERVED = 'i-0474184642c5de81d';
/** Linux m5.large spot instance (SpotUsage:m5.large on 2018-11-01). */
const SPOT = 'i-0166a14f649984485';
/** The recorded DescribeInstances' Windows instance (botocore), a previous-generation type. */
const WINDOWS_UNPRICED = 'i-78f1b94a';
/** An instance whose metrics stopped: nothing in the lookback. */
const STALE = 'i-0312873159e2a7a58';

function instance(instanceId: string, instanceType: string, extra: Partial<InstanceSnapshot>): InstanceSnapshot {
  return {
    instanceId,
    accountId: '123456789012',
    region: 'us-east-1',
    availabilityZone: 'us-east-1a',
    instanceType,
    state: 'running',
    lifecycle: 'on-demand',
    tenancy: 'default',
    tags: {},
    ...LINUX,
    ...extra,
  };
}

describe('rightsize job: the instance own price, its bill and live recommendations only', () => {
  let database: TestDatabase;
  let athena: AthenaStandin;
  const ctx = () => ({ db: database.db, config, log: logger.child({ module: 'test' }), now: () => END });
  const active = async () =>
    Object.fromEntries(
      (await database.db.select().from(recommendations).where(eq(recommendations.status, 'active'))).map((r) => [
        r.instanceId,
        r,
      ]),
    );

  beforeAll(async () => {
    [database, athena] = await Promise.all([createTestDatabase(), startAthenaStandin({ pageRows: 1000 })]);
    athena.defineTable('cur', 'workshop', legacyCurTable(FIXTURES.curParquet));
    const collect = collectContext({
      db: database.db,
      env: {
        AWS_REGION: 'us-east-1',
        ATHENA_DATABASE: 'cur',
        ATHENA_TABLE: 'workshop',
        ATHENA_OUTPUT_LOCATION: 's3://costbot-athena-results/cur/',
      },
      endpoints: { athena: athena.url },
      now: new Date('2019-01-01T06:30:00Z'),
    });
    await collectCosts(collect, collectCostsPayload.parse({ fromDay: AS_OF, toDay: '2018-11-02' }), {
      poll: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    collect.aws.destroy();
    const fetchedAt = new Date('2018-12-31T00:00:00Z');
    const windows = (await curOnDemandPrices(FIXTURES.curParquet, fetchedAt)).filter((p) => p.platform === 'Windows');
    await upsertInstanceTypes(database.db, { specs: catalog.instanceTypes, source: 'catalog:test', updatedAt: END });
    await upsertPrices(database.db, { prices: [...catalog.prices, ...windows] });
    await upsertInstances(database.db, {
      rows: [
        instance(WINDOWS_ON_DEMAND, 'm5.large', WINDOWS),
        instance(RESERVED, 'c5.large', {}),
        instance(SPOT, 'm5.large', { lifecycle: 'spot' }),
        // The recorded item has Platform "windows" and no PlatformDetails/UsageOperation (an old API version).
        instance(WINDOWS_UNPRICED, 'm1.medium', { platform: 'Windows', usageOperation: null }),
        instance(STALE, 'm5.large', {}),
      ],
      seenAt: END,
    });
    await upsertMetricPoints(database.db, {
      points: [WINDOWS_ON_DEMAND, RESERVED, SPOT, WINDOWS_UNPRICED].flatMap((id) =>
        hourlyPoints(id, 'idle', 'm5.large', END),
      ),
    });
    // The stale instance's last metrics ended 20 days before: outside the 14-day lookback.
    await upsertMetricPoints(database.db, {
      points: hourlyPoints(STALE, 'busy', 'm5.large', new Date(END.getTime() - 20 * 86_400_000)),
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([database?.drop(), athena?.close()]);
  });

  it('prices each instance at its own platform, spot without on-demand savings, RI hours after discounts', async () => {
    const outcome = await rightsize(ctx(), { asOf: AS_OF });
    const recs = await active();

    // Windows m5.large: the CUR's Windows rate, 0.188 $/h x 730 h, not Linux's 0.096 x 730 = 70.08.
    const windows = recs[WINDOWS_ON_DEMAND]!;
    expect(windows.platform).toBe('Windows');
    expect(windows.currentMonthlyUsd).toBeCloseTo(0.188 * 730, 2);
    expect(windows.reasoning).toMatch(/no Windows price in us-east-1/);

    // Spot: sized, but no on-demand saving given, and it says so.
    const spot = recs[SPOT]!;
    expect(spot.savingsBasis).toBe('spot-excluded');
    expect([spot.currentMonthlyUsd, spot.monthlySavingsUsd, spot.onDemandMonthlySavingsUsd]).toEqual([
      null,
      null,
      null,
    ]);
    expect(spot.reasoning).toMatch(/Spot instance: .*no saving is given/);

    // c5.large with 23 of 24 hours reserved at the CUR's effective cost: the saving after discounts
    // is the on-demand one scaled by the share it really pays, and the on-demand one is kept.
    const reserved = recs[RESERVED]!;
    const paid = 1 - (23 / 24) * (1 - 1.1835022599999994 / 23 / 0.085);
    expect(reserved.savingsBasis).toBe('after-discounts');
    expect(reserved.onDemandMonthlySavingsUsd!).toBeGreaterThan(0);
    expect(reserved.monthlySavingsUsd!).toBeCloseTo(reserved.onDemandMonthlySavingsUsd! * paid, 1);
    expect(reserved.reasoning).toMatch(/96 % of its 24 h in the bill were covered .* after discounts/);

    // The Windows m1.medium has no Windows price: not analysed, said, never priced as Linux (0.087).
    const unpriced = recs[WINDOWS_UNPRICED]!;
    expect(unpriced.currentMonthlyUsd).toBeNull();
    expect(unpriced.reasoning).toMatch(/no on-demand Windows price for m1\.medium in us-east-1/);
    expect(outcome.counts).toMatchObject({ instances: 5, analysed: 3, notAnalysed: 2 });
    expect(outcome.details!['notAnalysedSummary']).toBe(
      '2 of 5 not analysed: no CloudWatch metrics in the lookback, no Windows price for m1.medium',
    );
    expect(jobWarning('rightsize', outcome.counts, outcome.details!)?.summary).toBe(
      outcome.details!['notAnalysedSummary'],
    );

    // The totals add the after-discount saving, and nothing for the spot or unpriced instances.
    const summary = await savingsSummary(database.db);
    const positive = Object.values(recs).filter((r) => r.finding !== 'optimized' && (r.monthlySavingsUsd ?? 0) > 0);
    expect(summary.monthlyUsd).toBeCloseTo(
      positive.reduce((s, r) => s + r.monthlySavingsUsd!, 0),
      2,
    );
  });

  it('retires the recommendations of a terminated, a stopped and a resized instance, with the reason', async () => {
    await rightsize(ctx(), { asOf: AS_OF });
    await upsertInstances(database.db, {
      rows: [
        instance(WINDOWS_ON_DEMAND, 'm5.large', { ...WINDOWS, state: 'terminated' }),
        instance(RESERVED, 'c5.large', { state: 'stopped' }),
        instance(SPOT, 'm5.xlarge', { lifecycle: 'spot' }),
      ],
      seenAt: END,
    });
    const outcome = await rightsize(ctx(), { asOf: AS_OF });
    expect(outcome.counts).toMatchObject({ instances: 3 });
    const retired = await database.db.select().from(recommendations).where(eq(recommendations.status, 'retired'));
    const reasons = Object.fromEntries(retired.map((r) => [r.instanceId, r.retiredReason]));
    expect(reasons[WINDOWS_ON_DEMAND]).toBe('the instance was terminated');
    expect(reasons[RESERVED]).toBe('the instance is stopped');
    expect(reasons[SPOT]).toBe('the instance changed type from m5.large to m5.xlarge outside costbot');
    const recs = await active();
    expect(Object.keys(recs)).not.toContain(WINDOWS_ON_DEMAND);
    expect(Object.keys(recs)).not.toContain(RESERVED);
    // The resized one is sized again on its new type.
    expect(recs[SPOT]!.currentType).toBe('m5.xlarge');
    const [stillActive] = await database.db
      .select()
      .from(recommendations)
      .where(and(eq(recommendations.instanceId, WINDOWS_ON_DEMAND), eq(recommendations.status, 'active')));
    expect(stillActive).toBeUndefined();
  });

  it('a lookup of any inventoried instance says why it has no recommendation: retired, applied, not analysed', async () => {
    // The last run, recorded as the worker records it.
    const outcome = await rightsize(ctx(), { asOf: AS_OF });
    const runId = await startJobRun(database.db, { job: 'rightsize', queueJobId: 'lookup', attempt: 1 }, END);
    await finishJobRun(database.db, runId, { status: 'succeeded', finishedAt: END, ...outcome });
    expect(await whyNoRecommendation(database.db, WINDOWS_ON_DEMAND)).toMatch(
      /m5\.large → .* was retired: the instance was terminated\.$/,
    );
    expect(await whyNoRecommendation(database.db, STALE)).toBe(
      `${STALE} was not analysed by the last right-sizing run: no CloudWatch metrics in the lookback.`,
    );
    // An applied change: requested, approved by U0APPROVER, run and finished through the action queries.
    const [rec] = await database.db
      .select()
      .from(recommendations)
      .where(and(eq(recommendations.instanceId, SPOT), eq(recommendations.status, 'active')));
    const request = await createActionRequest(database.db, {
      recommendationId: rec!.id,
      instanceId: SPOT,
      accountId: rec!.accountId,
      region: rec!.region,
      fromType: rec!.currentType,
      toType: 'm5.large',
      requestedBy: 'U0REQUESTER',
      expiresAt: new Date(END.getTime() + 86_400_000),
    });
    const id = request.created ? request.action.id : request.existing.id;
    await decideAction(database.db, { id, decision: 'approved', by: 'U0APPROVER', at: END });
    await startAction(database.db, { id, at: END });
    await finishAction(database.db, { id, status: 'succeeded', at: END });
    await markRecommendationApplied(database.db, rec!.id);
    expect(await whyNoRecommendation(database.db, SPOT)).toBe(
      `${SPOT}: m5.xlarge → ${rec!.recommendedType} applied on 2018-11-02 by request #${id} (approved by <@U0APPROVER>); it has not been right-sized again since.`,
    );
    expect(await whyNoRecommendation(database.db, 'i-0000000000000none')).toBeUndefined();
  });
});
