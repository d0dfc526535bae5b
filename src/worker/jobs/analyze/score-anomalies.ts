import type { Config } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { dismissedAnomalies, upsertAnomalyEvents, type EventUpsert } from '../../../db/queries/anomalies.js';
import { accountNames } from '../../../db/queries/accounts.js';
import { instanceNames } from '../../../db/queries/instances.js';
import { groupIntoEvents, type CostEvent } from '../../../ml/anomaly/cost-events.js';
import { listResourceCostDaily } from '../../../db/queries/cost-daily.js';
import { metricPointsSpan, metricSeriesOfInstances } from '../../../db/queries/metric-points.js';
import { activeModels } from '../../../db/queries/models.js';
import type { Anomaly } from '../../../db/schema/index.js';
import { DEFAULT_RETRAIN_EVERY } from '../../../ml/anomaly/detector.js';
import { COST_TRAINING_DAYS, detectCostAnomalies, type CostAnomaly } from '../../../ml/anomaly/cost-anomalies.js';
import { rowInScope, type CostRow } from '../../../ml/cost-series.js';
import { costIn, type CostBasis } from '../../../cost/cost-basis.js';
import { metricEvidence, type MetricEvidence, type TimeWindow } from '../../../ml/anomaly/metric-evidence.js';
import {
  attributeToResources,
  attributeToSlices,
  type Contributor,
  type SliceCause,
} from '../../../ml/anomaly/root-cause.js';
import type { SeverityThresholds } from '../../../ml/anomaly/severity.js';
import type { JobHandler, JobOutcome } from '../../job-types.js';
import type { ScoreAnomaliesPayload } from '../../../jobs/schemas/analysis.js';
import { basisDetails, loadCostHistory, scopeKindsFrom, type CostHistory } from './cost-history.js';
import { yieldToEventLoop } from './yield.js';
import { ANOMALY_SEED } from './train-anomaly.js';
import { DAY_MS, addDays, dayToMs, HOUR_MS } from '../../../days.js';
import { INSTANCE_ID_PATTERN } from '../../../ids.js';

/**
 * Days of history loaded before the window: a model's training days, the 4 weeks its first
 * features read back, and up to one grid step between the model and the window.
 */
const HISTORY_DAYS_BEFORE_WINDOW = COST_TRAINING_DAYS + 28 + DEFAULT_RETRAIN_EVERY;
/** Days before an anomaly whose mean daily cost per dimension value is its root-cause baseline. */
const BASELINE_DAYS = 28;
/** Contributors kept per dimension in the stored root cause. */
const TOP_CONTRIBUTORS = 5;

/** A stored root-cause entry: a contributor, with CloudWatch evidence when it is an EC2 instance. */
type RootCauseEntry = Contributor & Partial<MetricEvidence>;

/**
 * Severity levels from the configured minimum impact: medium needs the configured USD and
 * percent; high and critical need 10x / 100x the dollars and 2x / 5x the percent (the ratios
 * of the detector's defaults), and rarer scores.
 */
export function severityThresholds(config: Config): SeverityThresholds {
  const usd = config.ANOMALY_MIN_IMPACT_USD;
  const pct = config.ANOMALY_MIN_IMPACT_PERCENT;
  return {
    medium: { minScore: 0.375, minImpactUsd: usd, minImpactPercent: pct },
    high: { minScore: 0.5, minImpactUsd: usd * 10, minImpactPercent: pct * 2 },
    critical: { minScore: 0.625, minImpactUsd: usd * 100, minImpactPercent: pct * 5 },
    match: 'all',
  };
}

/** A stored root-cause line that is not a contributor (shown as "dimension: value"). */
interface RootCauseNote {
  dimension: string;
  value: string;
  /** 'same event': the scope keys folded into the anomaly. */
  scopes?: string[];
}

/**
 * The account, service and region a scope's spend has only one of (a usage type billed by one
 * service in one account): stored with the anomaly so that it is titled, routed and filtered by
 * them, without changing which rows it covers.
 */
function impliedColumns(anomaly: CostAnomaly, rows: readonly CostRow[]) {
  const seen = { accountId: new Set<string>(), service: new Set<string>(), region: new Set<string>() };
  for (const r of rows) {
    if (!rowInScope(r, anomaly.dimensions)) continue;
    seen.accountId.add(r.accountId);
    seen.service.add(r.service);
    seen.region.add(r.region);
  }
  const only = (values: Set<string>, own: string | undefined) => own ?? (values.size === 1 ? [...values][0]! : null);
  return {
    accountId: only(seen.accountId, anomaly.dimensions.accountId),
    service: only(seen.service, anomaly.dimensions.service),
    region: only(seen.region, anomaly.dimensions.region),
  };
}

const RESOURCES_WITHOUT_USAGE_TYPE: RootCauseNote = {
  dimension: 'resources',
  value:
    'not ranked: per-resource costs of these days were stored before their usage type was kept (migration 0002); such days leave the 4-week baseline as new days are collected',
};

/** A stored slice line: account (with its name), service, region and usage type, with its contribution. */
interface SliceEntry extends Omit<SliceCause, 'contributionUsd'> {
  dimension: 'slice';
  value: string;
  deltaUsd: number;
}

/** "Production (123456789012) · AmazonEC2 · us-east-1 · BoxUsage:m5.large". */
function sliceLabel(c: SliceCause, names: ReadonlyMap<string, string>): string {
  const name = names.get(c.accountId);
  const account = name === undefined ? c.accountId : `${name} (${c.accountId})`;
  return [account, c.service, c.region, c.usageType].join(' · ');
}

/** The scope labels an event was also seen at, for its root cause (folded, not reported again). */
function foldedNote(event: CostEvent): RootCauseNote[] {
  if (event.folded.length === 0) return [];
  const keys = event.folded.map((f) => f.scopeKey);
  const labels = keys.map((k) => k.replace(':', ' ').replace('_', ' '));
  return [
    { dimension: 'same event', value: `also seen at ${labels.join(', ')} (not reported separately)`, scopes: keys },
  ];
}

function rootCauseOf(
  anomaly: CostAnomaly,
  rows: readonly CostRow[],
  resourceRows: readonly CostRow[],
): { slices: SliceCause[]; resources: Contributor[]; notes: RootCauseNote[] } {
  const inScope = (r: CostRow) => rowInScope(r, anomaly.dimensions);
  const during = (r: CostRow) => r.day >= anomaly.startDay && r.day <= anomaly.endDay;
  const baselineFrom = addDays(anomaly.startDay, -BASELINE_DAYS);
  const before = (r: CostRow) => r.day >= baselineFrom && r.day < anomaly.startDay;
  const days = { baselineDays: BASELINE_DAYS, anomalyDays: anomaly.durationDays, limit: TOP_CONTRIBUTORS };
  const scoped = rows.filter(inScope);
  const slices = attributeToSlices(scoped.filter(during), scoped.filter(before), {
    ...days,
    expectedUsd: anomaly.expectedUsd,
    actualUsd: anomaly.actualUsd,
  });
  // A usage-type scope cannot tell which of the resource rows stored without a usage type are its
  // own: rather than a baseline missing those days, no resource ranking.
  const unknownUsageType =
    anomaly.dimensions.usageType !== undefined &&
    resourceRows.some((r) => r.usageType === '' && (before(r) || during(r)));
  const notes = unknownUsageType ? [RESOURCES_WITHOUT_USAGE_TYPE] : [];
  const scopedResources = unknownUsageType ? [] : resourceRows.filter(inScope);
  const resources = attributeToResources(scopedResources.filter(during), scopedResources.filter(before), {
    ...days,
    impactUsd: anomaly.impactUsd,
  });
  return { slices, resources, notes };
}

/**
 * Attaches CloudWatch evidence to the EC2 instances among the kept resource contributors (one
 * metric query per anomaly), explaining each instance's own cost change; the order stays the
 * dollar ranking.
 */
async function withMetricEvidence(
  db: Db,
  anomaly: CostAnomaly,
  contributors: Contributor[],
  collected: TimeWindow,
): Promise<RootCauseEntry[]> {
  const baselineFrom = dayToMs(addDays(anomaly.startDay, -BASELINE_DAYS));
  const start = dayToMs(anomaly.startDay);
  const end = dayToMs(addDays(anomaly.endDay, 1));
  const isInstance = (c: Contributor) => c.dimension === 'resource' && INSTANCE_ID_PATTERN.test(c.value);
  const instanceIds = contributors.filter(isInstance).map((c) => c.value);
  if (instanceIds.length === 0) return contributors;
  const points = await metricSeriesOfInstances(db, { instanceIds, from: new Date(baselineFrom), to: new Date(end) });
  return contributors.map((c) => {
    if (!isInstance(c)) return c;
    const direction = c.deltaUsd >= 0 ? 1 : -1;
    return {
      ...c,
      ...metricEvidence(points.get(c.value) ?? [], {
        before: { from: baselineFrom, to: start },
        during: { from: start, to: end },
        direction,
        collected,
      }),
    };
  });
}

/** A dismissed anomaly of the same event's scopes whose impact was within a factor of two: the same pattern. */
function repeatsDismissed(event: CostEvent, dismissed: readonly Anomaly[]): Anomaly | undefined {
  const anomaly = event.anomaly;
  const scopes = new Set([anomaly.scopeKey, ...event.folded.map((f) => f.scopeKey)]);
  return dismissed.find(
    (d) =>
      scopes.has(d.scope) &&
      d.startDay !== anomaly.startDay &&
      d.endDay < anomaly.startDay &&
      Math.sign(d.impactUsd) === Math.sign(anomaly.impactUsd) &&
      Math.abs(anomaly.impactUsd) <= 2 * Math.abs(d.impactUsd) &&
      Math.abs(anomaly.impactUsd) >= 0.5 * Math.abs(d.impactUsd),
  );
}

/** Per-resource costs in the history's basis; a row without it (stored before it was kept) is not ranked. */
async function resourceRowsIn(db: Db, basis: CostBasis, range: { fromDay: string; toDay: string }): Promise<CostRow[]> {
  return (await listResourceCostDaily(db, range)).flatMap((r) => {
    const usd = costIn(r, basis);
    if (usd === null) return [];
    const { day, accountId, service, region, usageType, resourceId } = r;
    return [{ day, accountId, service, region, usageType, usd, resourceId }];
  });
}

/**
 * Scores the last ANOMALY_SCORE_DAYS (up to payload.asOf, when given) of every configured cost scope causally, with models on a
 * calendar grid (the same models night after night), and stores the anomalies that reach into
 * the window: re-scoring updates an anomaly (keyed by scope and start day), an anomaly
 * still going on the newest day stays open, and its root cause ranks the accounts, services,
 * regions, usage types and resources by their dollar contribution, with CloudWatch evidence for
 * the EC2 instances among them.
 */
export const scoreAnomalies: JobHandler<object, ScoreAnomaliesPayload> = async (ctx, payload): Promise<JobOutcome> => {
  const { db, config, log } = ctx;
  // A minimum history longer than the models' span still has to be loaded to be seen.
  const before = Math.max(HISTORY_DAYS_BEFORE_WINDOW, config.ANOMALY_MIN_HISTORY_DAYS);
  const kinds = scopeKindsFrom(config);
  const basis = config.COST_BASIS;
  const loaded = await loadCostHistory(db, {
    kinds,
    days: before + config.ANOMALY_SCORE_DAYS,
    asOf: payload.asOf,
    basis,
  });
  if ('skipped' in loaded) return { counts: { scopes: 0 }, skipped: loaded.skipped };
  let history: CostHistory = loaded;
  const fromDay = payload.fromDay ?? addDays(history.lastDay, -(config.ANOMALY_SCORE_DAYS - 1));
  // A one-off run from an earlier day needs the history before that day too.
  if (addDays(fromDay, -before) < history.fromDay) {
    const windowDays = Math.round((dayToMs(history.lastDay) - dayToMs(fromDay)) / DAY_MS) + 1;
    // asOf is history.lastDay here: loading again with it keeps later days out.
    const wider = await loadCostHistory(db, { kinds, days: before + windowDays, asOf: history.lastDay, basis });
    if (!('skipped' in wider)) history = wider;
  }
  const models = await activeModels(db, { kind: 'isolation-forest' });
  const resourceRows = await resourceRowsIn(db, basis, {
    fromDay: addDays(fromDay, -BASELINE_DAYS),
    toDay: addDays(history.lastDay, 1),
  });
  const dismissed = await dismissedAnomalies(db, { sinceDay: addDays(history.lastDay, -90) });
  const span = await metricPointsSpan(db);
  // No stored point at all: an empty span, so every instance reads "no CloudWatch data stored".
  const collected =
    span.first && span.last ? { from: span.first.getTime(), to: span.last.getTime() + HOUR_MS } : { from: 0, to: 0 };
  const options = {
    minHistoryDays: config.ANOMALY_MIN_HISTORY_DAYS,
    newScopeDays: config.ANOMALY_NEW_SERVICE_DAYS,
    detector: { seed: ANOMALY_SEED },
    severity: severityThresholds(config),
    direction: config.ANOMALY_DIRECTION,
    minImpactUsd: config.ANOMALY_MIN_IMPACT_USD,
    minImpactPercent: config.ANOMALY_MIN_IMPACT_PERCENT,
  };
  const detected: CostAnomaly[] = [];
  const notScored: string[] = [];
  for (const series of history.series.values()) {
    await yieldToEventLoop();
    const detection = detectCostAnomalies(series, { ...options, fromDay });
    if (detection.status !== 'scored') notScored.push(`${series.key}: ${detection.note}`);
    detected.push(...detection.anomalies);
  }
  // One event, one anomaly: the scopes that saw the same change are folded into the one reported.
  const events = groupIntoEvents(detected);
  const causes = events.map((e) => ({ event: e, cause: rootCauseOf(e.anomaly, history.rows, resourceRows) }));
  const names = await accountNames(
    db,
    causes.flatMap((c) => c.cause.slices.map((s) => s.accountId)),
  );
  const instanceIds = causes.flatMap((c) => c.cause.resources.map((r) => r.value));
  const tags = await instanceNames(db, instanceIds);
  const rows: EventUpsert[] = [];
  let repeats = 0;
  for (const { event, cause } of causes) {
    const a = event.anomaly;
    const repeat = repeatsDismissed(event, dismissed);
    if (repeat) repeats++;
    const slices: SliceEntry[] = cause.slices.map(({ contributionUsd, ...c }) => ({
      dimension: 'slice',
      value: sliceLabel({ contributionUsd, ...c }, names),
      ...c,
      deltaUsd: contributionUsd,
    }));
    const resources = (await withMetricEvidence(db, a, cause.resources, collected)).map((r) =>
      tags.has(r.value) ? { ...r, name: tags.get(r.value) } : r,
    );
    rows.push({
      scope: a.scopeKey,
      ...impliedColumns(a, history.rows),
      startDay: a.startDay,
      endDay: a.endDay,
      durationDays: a.durationDays,
      status: a.endDay === history.lastDay ? 'open' : 'closed',
      score: a.peakScore,
      // A repeat of a pattern users dismissed is kept for the record but never alerted on.
      severity: repeat ? 'low' : a.severity,
      actualUsd: a.actualUsd,
      expectedUsd: a.expectedUsd,
      impactUsd: a.impactUsd,
      impactPercent: Number.isFinite(a.impactPercent) ? a.impactPercent : null,
      rootCause: [
        ...slices,
        ...resources,
        ...cause.notes,
        ...foldedNote(event),
        ...(repeat
          ? [{ dimension: 'feedback', value: `repeats anomaly #${repeat.id}, marked ${repeat.feedback}` }]
          : []),
      ],
      modelId: models.get(a.scopeKey)?.id ?? null,
      sameEventScopes: event.folded.map((f) => f.scopeKey),
    });
  }
  const stored = await upsertAnomalyEvents(db, { rows, at: ctx.now(), fromDay });
  const created = stored.written.filter((s) => s.inserted).length;
  log.info(
    { scopes: history.series.size, anomalies: rows.length, created, window: `${fromDay}..${history.lastDay}` },
    'anomalies scored',
  );
  return {
    counts: {
      scopes: history.series.size,
      anomalies: rows.length,
      created,
      updated: rows.length - created,
      repeatsOfDismissed: repeats,
      notScored: notScored.length,
      foldedScopes: events.reduce((n, e) => n + e.folded.length, 0),
      withdrawn: stored.withdrawn,
    },
    details: {
      window: `${fromDay}..${history.lastDay}`,
      notScored: notScored.slice(0, 50),
      newAnomalyIds: stored.written.filter((s) => s.inserted).map((s) => s.id),
      ...basisDetails(history),
    },
  };
};
