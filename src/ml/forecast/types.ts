/** Contracts of the cost forecaster (forecast-series.ts) and of the models it combines. */

/** A series as stored: epoch-ms times and values. Missing steps are simply absent rows. */
export interface SeriesInput {
  times: readonly number[];
  values: readonly number[];
}

export interface ForecastOptions {
  /** Steps to forecast after the last input row. */
  horizon: number;
  /** Seasonal period in steps; by default 7 for daily steps, the steps per day for sub-daily ones. */
  periodHint?: number;
}

/** One forecast step with its 80 % and 95 % intervals (other levels: `intervalsAt`). */
export interface ForecastPoint {
  time: number;
  yhat: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export type TrendDirection = 'accelerating' | 'decelerating' | 'steady';

/** A slope change of Prophet's trend that is large enough to matter (|δ| >= 0.01 scaled). */
export interface TrendChangepoint {
  time: number;
  /** Change of the daily slope, in value units per day. */
  slopeChangePerDay: number;
  /** The same change as growth, percentage points per month of the trend level then. */
  growthChangePercentPerMonth: number | null;
}

/** Trend of the history as Prophet's piecewise-linear trend sees it. */
export interface TrendSummary {
  /** Slope at the end of the history, value units per day. */
  slopePerDay: number;
  /** Slope per month relative to the trend level at the end of the history; null if level <= 0. */
  growthPercentPerMonth: number | null;
  /** The same figure one comparison window earlier (a quarter of the history, >= 28 days). */
  previousGrowthPercentPerMonth: number | null;
  comparisonWindowDays: number;
  direction: TrendDirection;
  /** Significant changepoints, most recent first (at most 5). */
  changepoints: TrendChangepoint[];
}

/** The value transform the models ran in: log(y + offset) for non-negative series. */
export type ValueTransform = { kind: 'log'; offset: number } | { kind: 'identity' };

/**
 * The predictive distribution behind the points, kept so that other interval levels and monthly
 * totals can be derived later: in transformed space, step h is `center[h] + e * scale[h]` where e
 * follows the backtest's normalised errors (`scores`, signed), or N(0, 1) when there are too few.
 */
export interface ForecastDistribution {
  transform: ValueTransform;
  center: number[];
  scale: number[];
  /** Signed normalised errors (actual − forecast) / scale of the in-sample rolling backtest. */
  scores: number[];
}

/** How the in-sample rolling backtest (data before the forecast origin only) went. */
export interface BacktestSummary {
  origins: number;
  horizonSteps: number;
  /** MAE of the ensemble and of seasonal naive (or naive without a period), original units. */
  mae: number;
  baselineMae: number;
}

export interface SeriesForecast {
  stepMs: number;
  points: ForecastPoint[];
  /** e.g. "median(prophet, mstl, ets, naive, seasonal-naive) on log(y + 0.52)". */
  model: string;
  members: string[];
  periods: number[];
  trend: TrendSummary | null;
  confidence: 'normal' | 'low';
  confidenceReasons: string[];
  warnings: string[];
  history: {
    from: number;
    to: number;
    observedSteps: number;
    missingSteps: number;
    /** Mean of the last observed values over up to 28 days (or 4 periods): the current run rate. */
    recentMean: number;
  };
  backtest: BacktestSummary | null;
  distribution: ForecastDistribution;
}

/** One Fourier seasonality given to Prophet. */
export interface ProphetSeasonalitySpec {
  name: string;
  periodDays: number;
  fourierOrder: number;
}

/** A regular series handed to every ensemble member. */
export interface ModelInput {
  /** Values on the regular grid; NaN where a step is missing (never zero-filled). */
  y: readonly number[];
  /** Epoch ms of each grid step. */
  times: readonly number[];
  stepMs: number;
  /** Seasonal periods in steps (e.g. [7] daily, [24] hourly); empty when none is supported. */
  periods: readonly number[];
  /** Prophet's seasonalities, decided from the history length by the caller. */
  prophetSeasonalities: readonly ProphetSeasonalitySpec[];
  horizon: number;
}

/** A member's forecast: point path and its own predictive standard deviation per step. */
export interface ModelForecast {
  point: number[];
  sd: number[];
}
