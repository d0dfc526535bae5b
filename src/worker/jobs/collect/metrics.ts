import type { Dimension } from '@aws-sdk/client-cloudwatch';
import { fetchHourlyMetrics, listMemoryMetrics, type MetricRequest } from '../../../aws/cloudwatch-metrics.js';
import { fetchHourlyStatistics } from '../../../aws/cloudwatch-statistics.js';
import { listInstances, setMemoryMetricFlags } from '../../../db/queries/instances.js';
import { latestMetricTimes, upsertMetricPoints } from '../../../db/queries/metric-points.js';
import type { Instance } from '../../../db/schema/index.js';
import type { JobContext, JobOutcome } from '../../job-types.js';
import type { CollectMetricsPayload } from '../../../jobs/schemas/collect.js';
import { forEachScope, scopeName, type AccountRegion, type AwsDeps } from './for-each-scope.js';
import { floorToHour, HOUR_MS } from '../../../days.js';
import type { MetricName } from '../../../metrics.js';

/**
 * Hours newer than this are left for the next run: EC2 publishes basic-monitoring samples a few
 * minutes late, and a stored hour is never fetched again (the next run starts after it).
 */
const SETTLE_MS = 15 * 60_000;

const EC2_METRICS: MetricName[] = ['cpu', 'network_in', 'network_out'];

interface Plan extends AccountRegion {
  instances: Instance[];
}

function plansOf(ctx: JobContext & AwsDeps, instances: Instance[]): Plan[] {
  const plans = new Map<string, Plan>();
  for (const instance of instances) {
    const account = ctx.aws.accountFor(instance.accountId);
    const key = `${account.key}|${instance.region}`;
    const plan = plans.get(key) ?? { account, region: instance.region, instances: [] };
    plan.instances.push(instance);
    plans.set(key, plan);
  }
  return [...plans.values()];
}

function requestsFor(
  instances: Instance[],
  memory: Map<string, Dimension[]>,
  startOf: (id: string, m: MetricName) => Date,
): MetricRequest[] {
  const requests: MetricRequest[] = [];
  for (const { instanceId } of instances) {
    const ec2Dims = [{ Name: 'InstanceId', Value: instanceId }];
    for (const metric of EC2_METRICS)
      requests.push({ instanceId, metric, start: startOf(instanceId, metric), dimensions: ec2Dims });
    const memDims = memory.get(instanceId);
    if (memDims) requests.push({ instanceId, metric: 'mem', start: startOf(instanceId, 'mem'), dimensions: memDims });
  }
  return requests;
}

/** States an instance leaves "running" for; its hours before it left are still to be collected. */
const NOT_RUNNING = ['pending', 'stopping', 'stopped', 'shutting-down', 'terminated'];

/**
 * How recent an instance's newest stored point must be for it to be collected after it stopped:
 * a daily run must still fetch the hours of the day before the instance stopped. Two days cover
 * a missed run; after that a stopped instance costs nothing.
 */
const STOPPED_RECENTLY_MS = 48 * HOUR_MS;

/**
 * The instances a run collects: the running ones, and those no longer running whose newest
 * stored point is under two days old (they ran during the day the run covers). A run that names
 * its instances (a part of a split run, a one-off) collects exactly those.
 */
export async function instancesToCollect(
  ctx: JobContext,
  p: { regions?: readonly string[]; instanceIds?: readonly string[] | undefined },
): Promise<Instance[]> {
  if (p.instanceIds !== undefined)
    return listInstances(ctx.db, {
      states: ['running', ...NOT_RUNNING],
      regions: p.regions,
      instanceIds: p.instanceIds,
    });
  const running = await listInstances(ctx.db, { states: ['running'], regions: p.regions });
  const others = await listInstances(ctx.db, { states: NOT_RUNNING, regions: p.regions });
  const since = ctx.now().getTime() - STOPPED_RECENTLY_MS;
  const latest = await latestMetricTimes(ctx.db, { instanceIds: others.map((i) => i.instanceId) });
  const recent = new Set(latest.filter((r) => r.ts.getTime() >= since).map((r) => r.instanceId));
  return [...running, ...others.filter((i) => recent.has(i.instanceId))];
}

interface MetricCounts {
  instances: number;
  withMemory: number;
  withoutMemory: number;
  metricsRequested: number;
  getMetricDataCalls: number;
  getMetricStatisticsRequests: number;
  datapoints: number;
  pointsStored: number;
}

/** One account and region: memory discovery, then the batched fetch, committing each batch. */
async function collectScope(
  ctx: JobContext & AwsDeps,
  plan: Plan,
  window: { end: Date; startOf: (id: string, m: MetricName) => Date },
  counts: MetricCounts,
): Promise<void> {
  const client = ctx.aws.cloudwatch(plan.account, plan.region);
  const memory = await listMemoryMetrics(client, ctx.usage);
  const withMemory = plan.instances.filter((i) => memory.has(i.instanceId)).map((i) => i.instanceId);
  const withoutMemory = plan.instances.filter((i) => !memory.has(i.instanceId)).map((i) => i.instanceId);
  await setMemoryMetricFlags(ctx.db, { withMemory, withoutMemory });
  counts.withMemory += withMemory.length;
  counts.withoutMemory += withoutMemory.length;

  const fetch = ctx.config.METRICS_CALL_STYLE === 'get-metric-data' ? fetchHourlyMetrics : fetchHourlyStatistics;
  const stats = await fetch(client, requestsFor(plan.instances, memory, window.startOf), {
    end: window.end,
    ...(ctx.usage ? { usage: ctx.usage } : {}),
    onBatch: async (points) => {
      // Not `counts.pointsStored += await ...`: that reads the count before the await, and
      // batches finishing meanwhile would be lost from it.
      const stored = await upsertMetricPoints(ctx.db, { points });
      counts.pointsStored += stored;
      await ctx.progress?.({ scope: scopeName(plan), pointsStored: counts.pointsStored });
    },
  });
  counts.metricsRequested += stats.metricsRequested;
  if (ctx.config.METRICS_CALL_STYLE === 'get-metric-data') counts.getMetricDataCalls += stats.calls;
  else counts.getMetricStatisticsRequests += stats.calls;
  counts.datapoints += stats.datapoints;
  ctx.log.info({ scope: scopeName(plan), ...stats }, 'metrics fetched');
}

/**
 * Hourly CloudWatch statistics for every running instance of the inventory, every settled hour
 * since the newest stored one in the same calls (METRICS_CALL_STYLE: GetMetricStatistics per
 * metric and kind of statistic, or GetMetricData in batches of up to 500 queries), each batch
 * committed as it completes. CloudWatch bills per call or metric, not per hour fetched, so the
 * default schedule runs once a day after the day closes. Incremental: a metric starts one hour
 * after its newest stored point, or METRICS_LOOKBACK_DAYS back on first sight; a run that stopped
 * half-way resumes from what it stored.
 * Memory comes from the CloudWatch agent where ListMetrics finds it; elsewhere the instance is
 * recorded as having none.
 */
export async function collectMetrics(ctx: JobContext & AwsDeps, payload: CollectMetricsPayload): Promise<JobOutcome> {
  if (ctx.aws.regions.length === 0)
    return { counts: {}, skipped: 'no AWS region is configured (set AWS_REGION or AWS_REGIONS)' };
  const instances = await instancesToCollect(ctx, { regions: ctx.aws.regions, instanceIds: payload.instanceIds });
  if (instances.length === 0)
    return {
      counts: { instances: 0 },
      skipped: 'no running instance in the inventory (collect-inventory stores them)',
    };

  const now = ctx.now();
  const end = floorToHour(new Date(now.getTime() - SETTLE_MS));
  const lookbackDays = payload.lookbackDays ?? ctx.config.METRICS_LOOKBACK_DAYS;
  const backfillStart = floorToHour(new Date(now.getTime() - lookbackDays * 24 * HOUR_MS)).getTime();
  const stored = await latestMetricTimes(ctx.db, { instanceIds: instances.map((i) => i.instanceId) });
  const latest = new Map(stored.map((r) => [`${r.instanceId}|${r.metric}`, r.ts.getTime()]));
  const startOf = (instanceId: string, metric: MetricName): Date => {
    const last = latest.get(`${instanceId}|${metric}`);
    return new Date(Math.max(last === undefined ? 0 : last + HOUR_MS, backfillStart));
  };

  const counts: MetricCounts = {
    instances: instances.length,
    withMemory: 0,
    withoutMemory: 0,
    metricsRequested: 0,
    getMetricDataCalls: 0,
    getMetricStatisticsRequests: 0,
    datapoints: 0,
    pointsStored: 0,
  };
  await forEachScope(plansOf(ctx, instances), (plan) => collectScope(ctx, plan, { end, startOf }, counts));
  return {
    counts: { ...counts },
    details: { end: end.toISOString(), lookbackDays, callStyle: ctx.config.METRICS_CALL_STYLE },
  };
}
