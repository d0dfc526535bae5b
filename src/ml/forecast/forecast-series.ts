import { InputError } from '../../errors.js';
import { MIN_SCORES, rollingBacktest } from './calibration.js';
import { runEnsemble, type EnsembleForecast } from './ensemble.js';
import { intervalsAt } from './intervals.js';
import {
  checkHistory,
  chooseTransform,
  inverse,
  prophetSeasonalities,
  seasonalPeriod,
  toGrid,
  type GridSeries,
} from './prepare.js';
import type { ForecastRuntime } from './runtime.js';
import { summarizeTrend } from './trend.js';
import type { ForecastDistribution, ForecastOptions, ForecastPoint, SeriesForecast, SeriesInput } from './types.js';
import { DAY_MS } from '../../days.js';

export { intervalsAt } from './intervals.js';
export type * from './types.js';

/** Longest history fitted: enough for two yearly cycles of daily data, and keeps a fit well under 1 s. */
const MAX_TRAIN_STEPS = 1000;
/** The current run rate is the mean of the last 28 days. */
const RECENT_DAYS = 28;
const YEAR_DAYS = 365;

/**
 * Forecasts `options.horizon` steps after the last row of a regular series (daily cost, hourly
 * utilization, ...), with 80 % and 95 % intervals, Prophet's trend and the history rules:
 * - under one billing cycle of daily history (or two seasonal periods): InsufficientDataError;
 * - all zeros, irregular spacing, non-finite numbers: InputError;
 * - missing steps stay missing (Prophet fits the observed rows; the other members interpolate);
 *   a repeated time keeps its last value (a restated day);
 * - a horizon longer than the history, or a 12-month horizon on under 12 months: confidence 'low'.
 *
 * Pure apart from the WASM models in `rt` (built by src/forecast/augurs-runtime.ts): the same
 * input gives the same output.
 */
export function forecastSeries(series: SeriesInput, options: ForecastOptions, rt: ForecastRuntime): SeriesForecast {
  const horizon = options.horizon;
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new InputError(`horizon must be a whole number of steps >= 1, got ${horizon}`);
  }
  const full = toGrid(series);
  const period = seasonalPeriod(full.stepMs, options.periodHint);
  checkHistory(full, period);
  const grid = lastSteps(full, MAX_TRAIN_STEPS);
  const warnings = historyWarnings(series, full, grid, horizon);
  const transform = chooseTransform(grid.values);
  const forecastAt = (cut: number, steps: number): EnsembleForecast => {
    const part = { ...grid, times: grid.times.slice(0, cut), values: grid.values.slice(0, cut) };
    return runEnsemble(rt, {
      values: part.values,
      times: part.times,
      stepMs: grid.stepMs,
      period,
      mstlPeriods: period > 1 && cut > 2 * period ? [period] : [],
      prophetSeasonalities: prophetSeasonalities(part, period),
      transform,
      horizon: steps,
    });
  };
  const final = forecastAt(grid.times.length, horizon);
  warnings.push(...final.failures.map((f) => `model left out: ${f}`));
  const backtest = rollingBacktest(grid.values, horizon, Math.max(14, 2 * period + 1), period, transform, forecastAt);
  const distribution = { transform, center: final.center, scale: final.scale, scores: backtest?.scores ?? [] };
  if (distribution.scores.length < MIN_SCORES) {
    warnings.push(
      "too little history to calibrate the intervals on past errors: they are the models' own normal bands",
    );
  }
  const missing = grid.times.length - grid.observed;
  const { confidence, reasons } = judgeConfidence(full, horizon, missing / grid.times.length);
  return {
    stepMs: grid.stepMs,
    points: toPoints(distribution, grid),
    model: `median(${final.members.join(', ')})${transform.kind === 'log' ? ` on log(y + ${round(transform.offset)})` : ''}`,
    members: final.members,
    periods: period > 1 ? [period] : [],
    trend: final.prophet ? summarizeTrend(final.prophet.trend) : null,
    confidence,
    confidenceReasons: reasons,
    warnings,
    history: {
      from: full.times[0]!,
      to: full.times[full.times.length - 1]!,
      observedSteps: full.observed,
      missingSteps: full.times.length - full.observed,
      recentMean: recentMean(full),
    },
    backtest: backtest?.summary ?? null,
    distribution,
  };
}

function toPoints(distribution: ForecastDistribution, grid: GridSeries): ForecastPoint[] {
  const band80 = intervalsAt(distribution, 80);
  const band95 = intervalsAt(distribution, 95);
  const last = grid.times[grid.times.length - 1]!;
  return distribution.center.map((c, h) => ({
    time: last + (h + 1) * grid.stepMs,
    yhat: inverse(distribution.transform, c),
    lower80: band80.lower[h]!,
    upper80: band80.upper[h]!,
    lower95: band95.lower[h]!,
    upper95: band95.upper[h]!,
  }));
}

function historyWarnings(series: SeriesInput, full: GridSeries, grid: GridSeries, horizon: number): string[] {
  const warnings: string[] = [];
  const repeated = series.times.length - full.observed;
  if (repeated > 0) warnings.push(`${repeated} repeated timestamp(s): the last value of each was used (restated data)`);
  if (grid.times.length < full.times.length)
    warnings.push(`fitted on the last ${MAX_TRAIN_STEPS} steps of the history`);
  const missing = grid.times.length - grid.observed;
  if (missing > 0) {
    warnings.push(
      `${missing} missing step(s) in the history: left out of Prophet's fit and interpolated for the other models, never read as zero`,
    );
  }
  if (full.stepMs <= DAY_MS && spanDays(full) < 2 * YEAR_DAYS && horizon * full.stepMs >= 90 * DAY_MS) {
    warnings.push('under two years of history: yearly seasonality is not modelled');
  }
  return warnings;
}

function lastSteps(grid: GridSeries, max: number): GridSeries {
  if (grid.times.length <= max) return grid;
  const values = grid.values.slice(-max);
  return { ...grid, times: grid.times.slice(-max), values, observed: values.filter(Number.isFinite).length };
}

function spanDays(grid: GridSeries): number {
  return (grid.times.length * grid.stepMs) / DAY_MS;
}

function judgeConfidence(grid: GridSeries, horizon: number, missingShare: number) {
  const reasons: string[] = [];
  const historyDays = spanDays(grid);
  const horizonDays = (horizon * grid.stepMs) / DAY_MS;
  // "12 months" from a forecast day is 334 to 365 days depending on where the months end.
  if (horizonDays >= YEAR_DAYS - 31 && historyDays < YEAR_DAYS) {
    reasons.push(
      `${Math.round(historyDays)} days of history, under 12 months: a 12-month forecast has not seen a full year`,
    );
  } else if (horizonDays > historyDays) {
    reasons.push(`the horizon (${round(horizonDays)} days) is longer than the history (${round(historyDays)} days)`);
  }
  if (missingShare > 0.2) reasons.push(`${Math.round(missingShare * 100)} % of the history is missing`);
  return { confidence: reasons.length > 0 ? ('low' as const) : ('normal' as const), reasons };
}

function recentMean(grid: GridSeries): number {
  const steps = Math.max(1, Math.round((RECENT_DAYS * DAY_MS) / grid.stepMs));
  const recent = grid.values.slice(-steps).filter(Number.isFinite);
  return recent.reduce((a, b) => a + b, 0) / recent.length;
}

function round(x: number): number {
  return Number(x.toPrecision(3));
}
