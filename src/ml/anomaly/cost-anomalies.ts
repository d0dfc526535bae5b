/**
 * From a scope's daily cost series to anomaly records: expected cost per day, causal detector
 * scores, consecutive anomalous days merged into one anomaly, dollar impact and severity.
 */
import { mergeAnomalousDays, type AnomalyEpisode, type ScoredDay } from './episodes.js';
import {
  DEFAULT_ALARM_SCORE,
  DEFAULT_RETRAIN_EVERY,
  scoreSeries,
  type DetectorOptions,
  type SeriesScores,
} from './detector.js';
import { type ScopeDimensions, type ScopeKind, type ScopeSeries } from '../cost-series.js';
import { rollingMean, seasonalEffect } from './features.js';
import { classifySeverity, DEFAULT_SEVERITY_THRESHOLDS, type Severity, type SeverityThresholds } from './severity.js';
import { DAY_MS, dayToMs } from '../../days.js';

export interface CostAnomalyOptions {
  /** Days of data needed before a day is scored. @defaultValue 90 */
  minHistoryDays?: number;
  /** A scope with fewer days than this is reported as new, not scored. @defaultValue 10 */
  newScopeDays?: number;
  /**
   * Only the anomalies that end on or after this day are wanted (the scoring job's window): only
   * the models that score the window are trained (on a calendar grid, see `scoreCosts`), and
   * earlier days are scored only as far back as an anomaly under way reaches. Default: every day.
   */
  fromDay?: string;
  /** Score from which a day is anomalous. @defaultValue DEFAULT_ALARM_SCORE */
  alarmScore?: number;
  /**
   * `up`: only spend above expectation is an anomaly (AWS Cost Anomaly Detection's view); `both`:
   * drops too. @defaultValue 'up'
   */
  direction?: AnomalyDirection;
  /** An anomaly's |impact| must reach this many USD (and the percent below). @defaultValue 10 */
  minImpactUsd?: number;
  /** An anomaly's |impact| must reach this percent of expected (and the USD above). @defaultValue 10 */
  minImpactPercent?: number;
  /** Days a persisting level shift is followed as the same event (0: every episode). @defaultValue SETTLE_DAYS */
  settleDays?: number;
  detector?: DetectorOptions;
  severity?: SeverityThresholds;
}

export type AnomalyDirection = 'up' | 'both';
export const ANOMALY_DIRECTIONS: readonly AnomalyDirection[] = ['up', 'both'];

/** The thresholds .env.example documents: an anomaly exceeds both. */
export const DEFAULT_MIN_IMPACT = { usd: 10, percent: 10 } as const;

/**
 * Whether an episode is one to raise: in the direction asked for, and at least both minimum
 * impacts (as AWS's thresholds joined by AND). Below them nothing is stored, listed or counted.
 */
export function raisable(
  e: Pick<AnomalyEpisode, 'impactUsd' | 'impactPercent'>,
  options: Pick<CostAnomalyOptions, 'direction' | 'minImpactUsd' | 'minImpactPercent'>,
): boolean {
  if ((options.direction ?? 'up') === 'up' && !(e.impactUsd > 0)) return false;
  if (e.impactUsd === 0) return false;
  return (
    Math.abs(e.impactUsd) >= (options.minImpactUsd ?? DEFAULT_MIN_IMPACT.usd) &&
    Math.abs(e.impactPercent) >= (options.minImpactPercent ?? DEFAULT_MIN_IMPACT.percent)
  );
}

export interface CostAnomaly extends AnomalyEpisode {
  scopeKey: string;
  kind: ScopeKind;
  dimensions: ScopeDimensions;
  severity: Severity;
}

export type ScopeStatus = 'scored' | 'insufficient-history' | 'new-scope';

export interface ScopeDetection {
  scopeKey: string;
  status: ScopeStatus;
  /** Days with data. */
  historyDays: number;
  gaps: string[];
  /** Why the scope was not (fully) scored, in words for the report. */
  note?: string;
  /** Every day with its score (NaN on gaps and before scoring starts) and expected cost. */
  days: ScoredDay[];
  anomalies: CostAnomaly[];
}

/**
 * Expected cost of each day from earlier days only: the mean of the 28 days before it plus the
 * day-of-week effect of the 4 weeks before (NaN until 7 earlier days exist).
 */
export function expectedDailyCost(values: ArrayLike<number>): Float64Array {
  const level = rollingMean(values, 28);
  const weekday = seasonalEffect(values, 7, 28, 4);
  const out = new Float64Array(values.length);
  for (let t = 0; t < values.length; t++) {
    let present = 0;
    for (let i = Math.max(0, t - 28); i < t; i++) if (!Number.isNaN(values[i]!)) present++;
    out[t] = present >= 7 ? Math.max(0, level[t - 1]! + weekday[t]!) : Number.NaN;
  }
  return out;
}

/**
 * Days of history a cost model is trained on: a year (every weekday and month-end seen), and a
 * fixed span, so that a model retrained a night later on a longer history is the same model.
 */
export const COST_TRAINING_DAYS = 365;

/** Index of the first day on or after `day` (the length when there is none). */
function indexFrom(days: readonly string[], day: string): number {
  const i = days.findIndex((d) => d >= day);
  return i < 0 ? days.length : i;
}

/**
 * The causal run of a cost series, scoring the days from `fromDay` on (all days without one).
 * After the first model (at minHistoryDays), models are trained on a calendar grid, every
 * `retrainEvery` days counted from 1970-01-01, each on the COST_TRAINING_DAYS before it and seeded
 * by its day: the next night's run, on a history a day longer or starting a day later, trains the
 * same models on the same days, so what it stored stays as it was unless the costs change. Only
 * the models that score the days from `fromDay` are trained; an anomaly under way on the first
 * scored day is followed back, a model at a time, until a day below the alarm (or the first
 * model) bounds it, so that it keeps its start day.
 */
function scoreCosts(
  series: ScopeSeries,
  detector: DetectorOptions,
  fromDay: string | undefined,
  alarm: number,
): SeriesScores {
  const origin = Math.round(dayToMs(series.days[0]!) / DAY_MS);
  // A day whose number is divisible by retrainEvery, as a step of this series (at or before it).
  const anchor = -(origin % (detector.retrainEvery ?? DEFAULT_RETRAIN_EVERY));
  const from = fromDay === undefined ? 0 : indexFrom(series.days, fromDay);
  let run = scoreSeries(series.values, DAY_MS, detector, { anchor, from, origin });
  for (;;) {
    const first = run.retrainedAt[0];
    const k = first === undefined ? -1 : run.schedule.indexOf(first);
    if (k <= 0 || run.unsuppressed[first!]! < alarm) return run;
    run = scoreSeries(series.values, DAY_MS, detector, { anchor, from: run.schedule[k - 1]!, origin });
  }
}

/** Days after a level shift during which the same level is the shift going on, not a new event. */
export const SETTLE_DAYS = 28;

/** Mean cost per day with data over [from, to] (inclusive); NaN when no day has data. */
function levelOf(days: readonly ScoredDay[], from: string, to: string): number {
  let sum = 0;
  let n = 0;
  for (const d of days) {
    if (d.day < from || d.day > to || Number.isNaN(d.actualUsd)) continue;
    sum += d.actualUsd;
    n++;
  }
  return n === 0 ? Number.NaN : sum / n;
}

/**
 * A level shift that persists becomes the new normal: the expected cost (a 4-week mean) takes up
 * to SETTLE_DAYS to reach it, and the detector may alarm again on the way. An episode moving the
 * same way as an earlier one within SETTLE_DAYS, with the cost still at the level that one moved
 * to (within 10 % of what was expected then, every day since), is that shift going on: not raised again.
 */
function withoutSettledShifts(
  episodes: AnomalyEpisode[],
  days: readonly ScoredDay[],
  settleDays: number,
): AnomalyEpisode[] {
  const kept: AnomalyEpisode[] = [];
  let shift: { endDay: string; level: number; tolerance: number; sign: number } | undefined;
  for (const e of episodes) {
    const sign = Math.sign(e.impactUsd);
    const sinceShift = shift === undefined ? Infinity : (dayToMs(e.startDay) - dayToMs(shift.endDay)) / DAY_MS;
    if (shift !== undefined && sign === shift.sign && sinceShift <= settleDays) {
      const lastDay = e.endDay;
      const stayed = days.every(
        (d) =>
          d.day <= shift!.endDay ||
          d.day > lastDay ||
          Number.isNaN(d.actualUsd) ||
          Math.abs(d.actualUsd - shift!.level) <= shift!.tolerance,
      );
      if (stayed) {
        shift = { ...shift, endDay: e.endDay };
        continue;
      }
    }
    kept.push(e);
    const perDay = e.expectedUsd / Math.max(1, e.durationDays);
    shift = { endDay: e.endDay, level: levelOf(days, e.startDay, e.endDay), tolerance: 0.1 * perDay, sign };
  }
  return kept;
}

/**
 * Scores a scope's daily series causally and returns its anomalies (newest data last): the
 * episodes in the direction asked for that reach both minimum impacts.
 */
export function detectCostAnomalies(series: ScopeSeries, options: CostAnomalyOptions = {}): ScopeDetection {
  const minHistory = options.minHistoryDays ?? 90;
  const historyDays = series.values.reduce((n, v) => n + (Number.isNaN(v) ? 0 : 1), 0);
  const base = { scopeKey: series.key, historyDays, gaps: series.gaps };
  const expected = expectedDailyCost(series.values);
  const unscored = (status: ScopeStatus, note: string): ScopeDetection => ({
    ...base,
    status,
    note,
    days: series.days.map((day, t) => ({
      day,
      score: Number.NaN,
      actualUsd: series.values[t]!,
      expectedUsd: expected[t]!,
    })),
    anomalies: [],
  });
  if (historyDays < (options.newScopeDays ?? 10)) {
    return unscored('new-scope', `new scope: ${historyDays} day(s) of cost data, too few to judge`);
  }
  if (historyDays <= minHistory) {
    return unscored('insufficient-history', `${historyDays} day(s) of cost data; scoring starts after ${minHistory}`);
  }
  const alarm = options.alarmScore ?? DEFAULT_ALARM_SCORE;
  const detector = { minTrainingRows: minHistory, trainingWindow: COST_TRAINING_DAYS, ...options.detector };
  const run = scoreCosts(series, detector, options.fromDay, alarm);
  // Days after the first model are scored; a continuing anomaly keeps its unsuppressed score so
  // that it merges into one episode.
  const days: ScoredDay[] = series.days.map((day, t) => ({
    day,
    score: Number.isNaN(run.raw[t]!) ? Number.NaN : run.unsuppressed[t]!,
    actualUsd: series.values[t]!,
    expectedUsd: expected[t]!,
  }));
  const thresholds = options.severity ?? DEFAULT_SEVERITY_THRESHOLDS;
  const settleDays = options.settleDays ?? SETTLE_DAYS;
  const anomalies = withoutSettledShifts(mergeAnomalousDays(days, alarm), days, settleDays)
    .filter((e) => options.fromDay === undefined || e.endDay >= options.fromDay)
    .filter((e) => raisable(e, options))
    .map((e) => ({
      ...e,
      scopeKey: series.key,
      kind: series.kind,
      dimensions: series.dimensions,
      severity: classifySeverity(
        { score: e.peakScore, actualUsd: e.actualUsd, expectedUsd: e.expectedUsd },
        thresholds,
      ),
    }));
  return { ...base, status: 'scored', days, anomalies };
}
