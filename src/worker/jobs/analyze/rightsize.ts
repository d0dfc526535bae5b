import type { InstancePrice, InstanceTypeSpec } from '../../../catalog/types.js';
import type { Config } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { listInstanceTypes, toInstanceTypeSpec } from '../../../db/queries/instance-types.js';
import { listInstances } from '../../../db/queries/instances.js';
import { metricSeriesOfInstances, type SeriesPoint } from '../../../db/queries/metric-points.js';
import { listPricedTypes } from '../../../db/queries/prices.js';
import { replaceRecommendations } from '../../../db/queries/recommendations.js';
import type { Instance, NewRecommendation } from '../../../db/schema/index.js';
import { isCostbotError } from '../../../errors.js';
import { recommendRightSize } from '../../../ml/rightsize/recommend.js';
import type { CpuPercentile, RightSizeOptions, UtilizationSamples } from '../../../ml/rightsize/types.js';
import type { JobHandler, JobOutcome } from '../../job-types.js';
import type { RightsizePayload } from '../../../jobs/schemas/analysis.js';
import { yieldToEventLoop } from './yield.js';
import { addDays, dayToMs, HOUR_MS } from '../../../days.js';

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
  rec: ReturnType<typeof recommendRightSize>,
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
    savingsPercent: rec.savingsPercent,
    risk: rec.risk,
    confidence: rec.confidence,
    reasoning: rec.reasoning,
    lookbackDays: evidence.lookbackDays,
    details: { evidence, alternatives, stopSuggested, cannotRecommend },
  };
}

/**
 * Right-sizes every running instance from its stored hourly CloudWatch points and the stored
 * catalog and prices, and replaces each instance's active recommendation. With `asOf`, the
 * lookback ends with that day: points after it are ignored.
 */
export const rightsize: JobHandler<object, RightsizePayload> = async (ctx, payload): Promise<JobOutcome> => {
  const { db, config, log } = ctx;
  // As of a day: the lookback ends at the end of that day (UTC), as if the job ran then.
  const now = payload.asOf === undefined ? ctx.now() : new Date(dayToMs(addDays(payload.asOf, 1)));
  const options = rightSizeOptionsFrom(config);
  const instances = await listInstances(db, { instanceIds: payload.instanceIds });
  if (instances.length === 0) {
    return {
      counts: { instances: 0 },
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
  const catalogs = new Map<string, RegionCatalog>();
  const rows: NewRecommendation[] = [];
  const problems: string[] = [];
  let withoutMetrics = 0;
  let series = new Map<string, SeriesPoint[]>();
  for (const [k, instance] of instances.entries()) {
    if (k % INSTANCES_PER_READ === 0) {
      const ids = instances.slice(k, k + INSTANCES_PER_READ).map((i) => i.instanceId);
      series = await metricSeriesOfInstances(db, { instanceIds: ids, from, to: now });
    } else {
      // The instances of one read are computed without I/O: let /health and lock renewals in.
      await yieldToEventLoop();
    }
    const region = catalogs.get(instance.region) ?? (await catalogFor(db, instance.region, specs));
    catalogs.set(instance.region, region);
    const samples = samplesFromPoints(series.get(instance.instanceId) ?? []);
    if (samples.times.length === 0) {
      withoutMetrics++;
      continue;
    }
    try {
      const rec = recommendRightSize(
        {
          currentType: instance.instanceType,
          region: instance.region,
          samples,
          periodSeconds: 3600,
          ...region,
          now: now.getTime(),
        },
        options,
      );
      rows.push(recommendationRow(instance, rec));
    } catch (err) {
      if (!isCostbotError(err)) throw err;
      problems.push(`${instance.instanceId} (${instance.instanceType}): ${err.message}`);
    }
  }
  await replaceRecommendations(db, { rows });
  const actionable = rows.filter((r) => r.finding !== 'optimized' && r.finding !== 'insufficient-data');
  const savings = actionable.reduce((sum, r) => sum + Math.max(0, r.monthlySavingsUsd ?? 0), 0);
  log.info(
    { instances: instances.length, recommendations: rows.length, withoutMetrics, problems: problems.length },
    'right-sizing stored',
  );
  return {
    counts: {
      instances: instances.length,
      recommendations: rows.length,
      actionable: actionable.length,
      withoutMetrics,
      failed: problems.length,
    },
    details: { monthlySavingsUsd: Math.round(savings * 100) / 100, problems: problems.slice(0, 20) },
  };
};
