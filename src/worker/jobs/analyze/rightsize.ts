import type { InstancePrice, InstanceTypeSpec } from '../../../catalog/types.js';
import type { Config } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { listInstanceTypes, toInstanceTypeSpec } from '../../../db/queries/instance-types.js';
import { listInstances, NOT_FOUND_STATE } from '../../../db/queries/instances.js';
import { metricSeriesOfInstances, type SeriesPoint } from '../../../db/queries/metric-points.js';
import { listPricedTypes } from '../../../db/queries/prices.js';
import {
  activeRecommendationsWithInstances,
  replaceRecommendations,
  retireRecommendations,
  type Retirement,
} from '../../../db/queries/recommendations.js';
import { instanceBilling, type InstanceBillingRow } from '../../../db/queries/cost-daily.js';
import { platformOfInstance, tenancyOf } from '../../../catalog/platform.js';
import { applyBilling } from '../../../ml/rightsize/billing.js';
import type { Instance, NewRecommendation } from '../../../db/schema/index.js';
import { isCostbotError } from '../../../errors.js';
import { recommendRightSize } from '../../../ml/rightsize/recommend.js';
import type {
  CpuPercentile,
  RightSizeOptions,
  RightSizeResult,
  UtilizationSamples,
} from '../../../ml/rightsize/types.js';
import type { JobHandler, JobOutcome } from '../../job-types.js';
import type { RightsizePayload } from '../../../jobs/schemas/analysis.js';
import { yieldToEventLoop } from './yield.js';
import { addDays, dayToMs, HOUR_MS, isoDay } from '../../../days.js';

/**
 * Instances whose points are read in one query: ~67,000 rows at 14 days of four hourly metrics,
 * a few MB held at a time, and 50 times fewer round trips than one query per instance.
 */
const INSTANCES_PER_READ = 50;

export function rightSizeOptionsFrom(config: Config): Partial<RightSizeOptions> {
  return {
    percentile: Number(config.RIGHTSIZE_PERCENTILE.slice(1)) as CpuPercentile,
    headroomPercent: config.RIGHTSIZE_HEADROOM_PERCENT,
    lookbackDays: config.RIGHTSIZE_LOOKBACK_DAYS,
  };
}

/**
 * The hour's p99 (else its maximum, else its average) stands for the hour: right-sizing then takes
 * its percentile over hours, so short peaks inside an hour are not averaged away.
 */
function peakOf(p: SeriesPoint): number | null {
  return p.p99 ?? p.max ?? p.avg;
}

/** Aligns stored hourly points on the CPU hours; a metric missing in an hour is null, never filled. */
export function samplesFromPoints(points: readonly SeriesPoint[]): UtilizationSamples {
  const byMetric = new Map<string, Map<number, SeriesPoint>>();
  for (const p of points) {
    const m = byMetric.get(p.metric) ?? new Map<number, SeriesPoint>();
    m.set(p.ts.getTime(), p);
    byMetric.set(p.metric, m);
  }
  const cpu = [...(byMetric.get('cpu')?.values() ?? [])].filter((p) => peakOf(p) !== null);
  cpu.sort((a, b) => a.ts.getTime() - b.ts.getTime());
  const times = cpu.map((p) => p.ts.getTime());
  const column = (metric: string, pick: (p: SeriesPoint) => number | null) => {
    const m = byMetric.get(metric);
    return m
      ? times.map((t) => {
          const p = m.get(t);
          return p ? pick(p) : null;
        })
      : undefined;
  };
  return {
    times,
    // CloudWatch can report a hair above 100 % on some hypervisors; the analysis takes 0..100.
    cpuPercent: cpu.map((p) => Math.min(100, peakOf(p)!)),
    memPercent: column('mem', peakOf),
    networkInBytes: column('network_in', (p) => p.avg),
    networkOutBytes: column('network_out', (p) => p.avg),
  };
}

interface RegionCatalog {
  catalog: InstanceTypeSpec[];
  prices: InstancePrice[];
}

async function catalogFor(db: Db, region: string, specs: InstanceTypeSpec[]): Promise<RegionCatalog> {
  const priced = await listPricedTypes(db, { region });
  return { catalog: specs, prices: priced.map((p) => p.price) };
}

/** A right-sizing result as the active recommendations row of an instance. */
export function recommendationRow(
  instance: Pick<Instance, 'instanceId' | 'accountId' | 'region'>,
  rec: RightSizeResult,
): NewRecommendation {
  const { evidence, alternatives, stopSuggested, cannotRecommend } = rec;
  return {
    instanceId: instance.instanceId,
    accountId: instance.accountId,
    region: instance.region,
    status: 'active',
    finding: rec.finding,
    currentType: rec.currentType,
    recommendedType: rec.recommendedType,
    currentMonthlyUsd: rec.currentMonthlyUsd,
    recommendedMonthlyUsd: rec.recommendedMonthlyUsd,
    monthlySavingsUsd: rec.monthlySavingsUsd,
    onDemandMonthlySavingsUsd: rec.onDemandMonthlySavingsUsd,
    savingsBasis: rec.savingsBasis,
    platform: rec.platform,
    savingsPercent: rec.savingsPercent,
    risk: rec.risk,
    confidence: rec.confidence,
    reasoning: rec.reasoning,
    lookbackDays: evidence.lookbackDays,
    details: { evidence, alternatives, stopSuggested, cannotRecommend },
  };
}

/** Why an instance could not be analysed: a short cause (grouped in the summary) and the instance. */
interface NotAnalysed {
  instanceId: string;
  instanceType: string;
  cause: string;
}

/** "21 of 24 not analysed: no price for m5.large (20), no CloudWatch metrics (1)": what /cost status shows. */
export function notAnalysedSummary(list: readonly NotAnalysed[], total: number): string {
  const byCause = new Map<string, number>();
  for (const x of list) byCause.set(x.cause, (byCause.get(x.cause) ?? 0) + 1);
  const causes = [...byCause]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c, k]) => (k > 1 ? `${c} (${k})` : c));
  return `${list.length} of ${total} not analysed: ${causes.join(', ')}`;
}

interface Analysis {
  row: NewRecommendation | null;
  notAnalysed: string | null;
}

/** One instance: its platform and tenancy, its samples and its bill, through the pure recommender. */
function analyse(
  instance: Instance,
  input: { samples: UtilizationSamples; region: RegionCatalog; now: Date; billing: InstanceBillingRow | undefined },
  options: Partial<RightSizeOptions>,
): Analysis {
  const platform = platformOfInstance({ usageOperation: instance.usageOperation, platformDetails: instance.platform });
  if (!platform) {
    return {
      row: null,
      notAnalysed: `platform "${instance.usageOperation ?? instance.platform ?? 'not reported'}" unknown`,
    };
  }
  const tenancy = tenancyOf(instance.tenancy);
  if (tenancy === 'host') return { row: null, notAnalysed: 'Dedicated Host tenancy (billed per host)' };
  if (input.samples.times.length === 0) return { row: null, notAnalysed: 'no CloudWatch metrics in the lookback' };
  try {
    const rec = recommendRightSize(
      {
        currentType: instance.instanceType,
        region: instance.region,
        platform: platform.name,
        tenancy,
        samples: input.samples,
        periodSeconds: 3600,
        ...input.region,
        now: input.now.getTime(),
      },
      options,
    );
    const billed = applyBilling(rec, {
      lifecycle: instance.lifecycle,
      hours: input.billing?.hours ?? 0,
      coveredHours: input.billing?.coveredHours ?? 0,
      coveredEffectiveUsd: input.billing?.coveredEffectiveUsd ?? 0,
    });
    const unpriced = rec.cannotRecommend !== null && rec.currentMonthlyUsd === null;
    return {
      row: recommendationRow(instance, billed),
      notAnalysed: unpriced ? `no ${platform.name} price for ${instance.instanceType}` : null,
    };
  } catch (err) {
    if (!isCostbotError(err)) throw err;
    return { row: null, notAnalysed: err.message };
  }
}

/**
 * Active recommendations that no longer apply: the instance stopped, terminated (or left the
 * inventory) or runs another type than the one it was sized for (changed outside costbot: an Apply
 * marks its recommendation applied first).
 */
async function retirements(db: Db, running: ReadonlyMap<string, Instance>): Promise<Retirement[]> {
  const out: Retirement[] = [];
  for (const a of await activeRecommendationsWithInstances(db)) {
    if (a.state === null || a.state === NOT_FOUND_STATE || a.state === 'terminated' || a.state === 'shutting-down') {
      out.push({ instanceId: a.instanceId, reason: 'the instance was terminated' });
    } else if (a.state !== 'running' && !running.has(a.instanceId)) {
      out.push({ instanceId: a.instanceId, reason: `the instance is ${a.state}` });
    } else if (a.instanceType !== null && a.instanceType !== a.currentType) {
      out.push({
        instanceId: a.instanceId,
        reason: `the instance changed type from ${a.currentType} to ${a.instanceType} outside costbot`,
      });
    }
  }
  return out;
}

/**
 * Right-sizes every running instance from its stored hourly CloudWatch points, the stored catalog
 * and prices of its own platform and tenancy, and its bill (RI/Savings Plan coverage, spot), and
 * replaces each instance's active recommendation. Recommendations of instances that stopped,
 * terminated, changed type or lost their metrics are retired with the reason. With `asOf`, the
 * lookback ends with that day: points and bills after it are ignored.
 */
export const rightsize: JobHandler<object, RightsizePayload> = async (ctx, payload): Promise<JobOutcome> => {
  const { db, config, log } = ctx;
  // As of a day: the lookback ends at the end of that day (UTC), as if the job ran then.
  const now = payload.asOf === undefined ? ctx.now() : new Date(dayToMs(addDays(payload.asOf, 1)));
  const options = rightSizeOptionsFrom(config);
  const instances = await listInstances(db, { instanceIds: payload.instanceIds });
  const byId = new Map(instances.map((i) => [i.instanceId, i]));
  const retire = payload.instanceIds === undefined ? await retirements(db, byId) : [];
  if (instances.length === 0) {
    const retired = await retireRecommendations(db, { retire });
    return {
      counts: { instances: 0, retired: retired.length },
      skipped: 'no running instances stored yet: the inventory job has not found any',
    };
  }
  const specs = (await listInstanceTypes(db)).map(toInstanceTypeSpec);
  if (specs.length === 0) {
    return {
      counts: { instances: instances.length },
      skipped: 'no instance types stored yet: run the prices job or `costbot load-catalog`',
    };
  }
  const from = new Date(now.getTime() - options.lookbackDays! * 24 * HOUR_MS);
  const days = { fromDay: isoDay(from), toDay: isoDay(now) };
  const catalogs = new Map<string, RegionCatalog>();
  const rows: NewRecommendation[] = [];
  const notAnalysed: NotAnalysed[] = [];
  let series = new Map<string, SeriesPoint[]>();
  let billing = new Map<string, InstanceBillingRow>();
  for (const [k, instance] of instances.entries()) {
    if (k % INSTANCES_PER_READ === 0) {
      const ids = instances.slice(k, k + INSTANCES_PER_READ).map((i) => i.instanceId);
      series = await metricSeriesOfInstances(db, { instanceIds: ids, from, to: now });
      billing = await instanceBilling(db, { resourceIds: ids, ...days });
    } else {
      // The instances of one read are computed without I/O: let /health and lock renewals in.
      await yieldToEventLoop();
    }
    const region = catalogs.get(instance.region) ?? (await catalogFor(db, instance.region, specs));
    catalogs.set(instance.region, region);
    const samples = samplesFromPoints(series.get(instance.instanceId) ?? []);
    const result = analyse(instance, { samples, region, now, billing: billing.get(instance.instanceId) }, options);
    if (result.row) rows.push(result.row);
    if (result.notAnalysed) {
      notAnalysed.push({
        instanceId: instance.instanceId,
        instanceType: instance.instanceType,
        cause: result.notAnalysed,
      });
      // Without metrics (stale) or a sizing, the previous recommendation no longer stands.
      if (!result.row) retire.push({ instanceId: instance.instanceId, reason: `not analysed: ${result.notAnalysed}` });
    }
  }
  const retired = await retireRecommendations(db, { retire });
  await replaceRecommendations(db, { rows });
  const actionable = rows.filter((r) => r.finding !== 'optimized' && r.finding !== 'insufficient-data');
  const savings = actionable.reduce((sum, r) => sum + Math.max(0, r.monthlySavingsUsd ?? 0), 0);
  log.info(
    {
      instances: instances.length,
      recommendations: rows.length,
      notAnalysed: notAnalysed.length,
      retired: retired.length,
    },
    'right-sizing stored',
  );
  return {
    counts: {
      instances: instances.length,
      analysed: instances.length - notAnalysed.length,
      recommendations: rows.length,
      actionable: actionable.length,
      notAnalysed: notAnalysed.length,
      retired: retired.length,
    },
    details: {
      monthlySavingsUsd: Math.round(savings * 100) / 100,
      ...(notAnalysed.length > 0 ? { notAnalysedSummary: notAnalysedSummary(notAnalysed, instances.length) } : {}),
      notAnalysed: notAnalysed.slice(0, 50).map((x) => `${x.instanceId} (${x.instanceType}): ${x.cause}`),
      retired: retired.slice(0, 50).map((r) => `${r.instanceId}: ${r.reason}`),
    },
  };
};
