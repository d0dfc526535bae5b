import type { Config } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { dismissedAnomalies, upsertAnomalies, type AnomalyUpsert } from '../../../db/queries/anomalies.js';
import { listResourceCostDaily } from '../../../db/queries/cost-daily.js';
import { metricPointsSpan, metricSeriesOfInstances } from '../../../db/queries/metric-points.js';
import { activeModels } from '../../../db/queries/models.js';
import type { Anomaly } from '../../../db/schema/index.js';
import { DEFAULT_RETRAIN_EVERY } from '../../../ml/anomaly/detector.js';
import { COST_TRAINING_DAYS, detectCostAnomalies, type CostAnomaly } from '../../../ml/anomaly/cost-anomalies.js';
import { rowInScope, type CostRow } from '../../../ml/cost-series.js';
import { costIn, type CostBasis } from '../../../cost/cost-basis.js';
import { metricEvidence, type MetricEvidence, type TimeWindow } from '../../../ml/anomaly/metric-evidence.js';
import { baselineFromHistory, rankRootCauses, type Contributor } from '../../../ml/anomaly/root-cause.js';
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
}

const RESOURCES_WITHOUT_USAGE_TYPE: RootCauseNote = {
  dimension: 'resources',
  value:
    'not ranked: per-resource costs of these days were stored before their usage type was kept (migration 0002); such days leave the 4-week baseline as new days are collected',
};

function rootCauseOf(
  anomaly: CostAnomaly,
  rows: readonly CostRow[],
  resourceRows: readonly CostRow[],
): { contributors: Contributor[]; notes: RootCauseNote[] } {
  const inScope = (r: CostRow) => rowInScope(r, anomaly.dimensions);
  const during = (r: CostRow) => r.day >= anomaly.startDay && r.day <= anomaly.endDay;
  const baselineFrom = addDays(anomaly.startDay, -BASELINE_DAYS);
  const before = (r: CostRow) => r.day >= baselineFrom && r.day < anomaly.startDay;
  const rank = (source: readonly CostRow[]) => {
    const scoped = source.filter(inScope);
    const baseline = baselineFromHistory(scoped.filter(before), BASELINE_DAYS, anomaly.durationDays);
    return rankRootCauses(scoped.filter(during), baseline, anomaly.expectedUsd).contributors;
  };
  // A usage-type scope cannot tell which of the resource rows stored without a usage type are its
  // own: rather than a baseline missing those days, no resource ranking.
  const unknownUsageType =
    anomaly.dimensions.usageType !== undefined &&
    resourceRows.some((r) => r.usageType === '' && (before(r) || during(r)));
  const notes = unknownUsageType ? [RESOURCES_WITHOUT_USAGE_TYPE] : [];
  const byDimension = rank(rows);
  const resources = resourceRows.length > 0 && !unknownUsageType ? rank(resourceRows).resource : [];
  const dims = [byDimension.account, byDimension.service, byDimension.region, byDimension.usage_type, resources];
  // Ranked by dollar contribution to the deviation, biggest movers of every dimension together.
  const contributors = dims
    .flatMap((list) => list.slice(0, TOP_CONTRIBUTORS))
    .filter((c) => c.deltaUsd !== 0)
    .sort((a, b) => Math.abs(b.deltaUsd) - Math.abs(a.deltaUsd));
  return { contributors, notes };
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

/** A dismissed anomaly of the same scope whose impact was within a factor of two: the same pattern. */
function repeatsDismissed(anomaly: CostAnomaly, dismissed: readonly Anomaly[]): Anomaly | undefined {
  return dismissed.find(
    (d) =>
      d.scope === anomaly.scopeKey &&
      d.startDay !== anomaly.startDay &&
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
  };
  const rows: AnomalyUpsert[] = [];
  const notScored: string[] = [];
  let repeats = 0;
  for (const series of history.series.values()) {
    await yieldToEventLoop();
    const detection = detectCostAnomalies(series, { ...options, fromDay });
    if (detection.status !== 'scored') notScored.push(`${series.key}: ${detection.note}`);
    for (const a of detection.anomalies) {
      const repeat = repeatsDismissed(a, dismissed);
      if (repeat) repeats++;
      const cause = rootCauseOf(a, history.rows, resourceRows);
      rows.push({
        scope: a.scopeKey,
        accountId: a.dimensions.accountId ?? null,
        service: a.dimensions.service ?? null,
        region: a.dimensions.region ?? null,
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
          ...(await withMetricEvidence(db, a, cause.contributors, collected)),
          ...cause.notes,
          ...(repeat
            ? [{ dimension: 'feedback', value: `repeats anomaly #${repeat.id}, marked ${repeat.feedback}` }]
            : []),
        ],
        modelId: models.get(a.scopeKey)?.id ?? null,
      });
    }
  }
  const stored = await upsertAnomalies(db, { rows, at: ctx.now() });
  const created = stored.filter((s) => s.inserted).length;
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
    },
    details: {
      window: `${fromDay}..${history.lastDay}`,
      notScored: notScored.slice(0, 50),
      newAnomalyIds: stored.filter((s) => s.inserted).map((s) => s.id),
      ...basisDetails(history),
    },
  };
};
