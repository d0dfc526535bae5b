import type { z } from 'zod';
import type { JobContext, JobHandler, JobOutcome } from './job-types.js';
import { applyRecommendation } from './jobs/apply/apply-recommendation.js';
import { collectCosts } from './jobs/collect/costs.js';
import { collectInventory } from './jobs/collect/inventory.js';
import { collectMetrics, instancesToCollect } from './jobs/collect/metrics.js';
import { collectPrices } from './jobs/collect/prices.js';
import { forecastCosts } from './jobs/analyze/forecast.js';
import { postAlerts } from './jobs/notify/post-alerts.js';
import { rightsize } from './jobs/analyze/rightsize.js';
import { scoreAnomalies } from './jobs/analyze/score-anomalies.js';
import { trainAnomaly } from './jobs/analyze/train-anomaly.js';
import type { JobKind } from '../jobs/queues.js';
import { postAlertsPayload } from '../jobs/schemas/alerts.js';
import {
  forecastPayload,
  rightsizePayload,
  scoreAnomaliesPayload,
  trainAnomalyPayload,
} from '../jobs/schemas/analysis.js';
import { applyRecommendationPayload } from '../jobs/schemas/apply.js';
import {
  collectCostsPayload,
  collectInventoryPayload,
  collectMetricsPayload,
  collectPricesPayload,
} from '../jobs/schemas/collect.js';
import { splitRunningInstances, type Splitter } from './fan-out.js';
import type { WorkerDeps } from './worker-deps.js';

/** What a handler registered here receives: the common context plus the worker's clients. */
export type WorkerJobContext = JobContext & WorkerDeps;

/** A registered job kind: its payload schema and its handler, with the payload type erased. */
export interface JobDefinition {
  schema: z.ZodType;
  /** Calls the handler with a payload that `schema` has already parsed. */
  handle(ctx: WorkerJobContext, payload: unknown): Promise<JobOutcome>;
  /** Splits a big run into parts that any worker takes (see fan-out.ts); absent = never split. */
  split?(ctx: WorkerJobContext, payload: unknown): Promise<object[] | undefined>;
}

export function defineJob<P>(
  schema: z.ZodType<P>,
  handler: JobHandler<WorkerDeps, P>,
  options: { split?: Splitter<P> } = {},
): JobDefinition {
  const { split } = options;
  return {
    schema,
    handle: (ctx, payload) => handler(ctx, payload as P),
    ...(split === undefined ? {} : { split: (ctx: WorkerJobContext, payload: unknown) => split(ctx, payload as P) }),
  };
}

export type JobRegistry = Partial<Record<JobKind, JobDefinition>>;

/**
 * Instances per part of a fleet-wide run: a fleet of 10,000 makes 20 parts, enough for every
 * worker process to keep busy until the end (a part's memory is bounded by the batches it keeps
 * in flight, not by its size).
 */
const INSTANCES_PER_PART = 500;

/**
 * The job kinds this worker runs. Register one by importing its schema and handler and adding
 * `'kind': defineJob(schema, handler),` below. Kinds without a line are neither scheduled nor
 * chained to, and a job of such a kind fails once with a message naming it.
 */
export const jobRegistry: JobRegistry = {
  'collect-inventory': defineJob(collectInventoryPayload, collectInventory),
  'collect-metrics': defineJob(collectMetricsPayload, collectMetrics, {
    split: splitRunningInstances(INSTANCES_PER_PART, async (ctx) =>
      (await instancesToCollect(ctx, {})).map((i) => i.instanceId),
    ),
  }),
  'collect-costs': defineJob(collectCostsPayload, collectCosts),
  'collect-prices': defineJob(collectPricesPayload, collectPrices),
  'train-anomaly': defineJob(trainAnomalyPayload, trainAnomaly),
  'score-anomalies': defineJob(scoreAnomaliesPayload, scoreAnomalies),
  rightsize: defineJob(rightsizePayload, rightsize, { split: splitRunningInstances(INSTANCES_PER_PART) }),
  forecast: defineJob(forecastPayload, forecastCosts),
  'post-alerts': defineJob(postAlertsPayload, postAlerts),
  'apply-recommendation': defineJob(applyRecommendationPayload, applyRecommendation),
};

/** The kinds `registry` has a handler for. */
export function registeredKinds(registry: JobRegistry): JobKind[] {
  return (Object.keys(registry) as JobKind[]).filter((kind) => registry[kind] !== undefined);
}
