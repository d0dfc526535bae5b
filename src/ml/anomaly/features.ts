/**
 * Causal time-series features, shared by daily cost series and hourly or 5-minute CloudWatch
 * series: the value at step t depends only on steps 0..t. Window lengths are in steps, chosen
 * from the series' step by `windowsForStep`.
 *
 * Gaps: a missing step is NaN. Rolling statistics use the values present in their window and are
 * NaN when none is; a feature of a missing step is NaN (it is neither scored nor trained on).
 */
import { InputError } from '../../errors.js';
import { DAY_MS } from '../../days.js';

export const MINUTE_MS = 60_000;

/** Window lengths of a series, in steps. */
export interface SeriesWindows {
  stepMs: number;
  /** Short rolling window (3 steps: 15 minutes, 3 hours or 3 days). */
  short: number;
  /** Long rolling window (24 steps: 2 hours, a day or 24 days). */
  long: number;
  /** One season: a day for sub-daily steps, a week for daily steps; 0 when the step has none. */
  season: number;
  /** How many steps the same phase may drift between seasons (30 minutes for sub-daily steps). */
  seasonTolerance: number;
}

export function windowsForStep(stepMs: number): SeriesWindows {
  if (!(stepMs > 0)) throw new InputError(`the step of a series must be positive, got ${stepMs} ms`);
  let season = 0;
  let seasonTolerance = 0;
  if (stepMs <= DAY_MS / 2) {
    season = Math.round(DAY_MS / stepMs);
    seasonTolerance = Math.round((30 * MINUTE_MS) / stepMs);
  } else if (stepMs <= 1.5 * DAY_MS) {
    season = 7; // day-of-week pattern of daily costs
  }
  return { stepMs, short: 3, long: 24, season, seasonTolerance };
}

/** Mean of the values present in [t - window + 1, t]. */
export function rollingMean(values: ArrayLike<number>, window: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  // Summed afresh at each step: a running sum carries rounding from the start of the series, so
  // a flat stretch would read as slightly uneven, and differently from a history loaded later.
  for (let t = 0; t < n; t++) {
    let sum = 0;
    let count = 0;
    for (let i = Math.max(0, t - window + 1); i <= t; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      sum += v;
      count++;
    }
    out[t] = count > 0 ? sum / count : Number.NaN;
  }
  return out;
}

/**
 * Seasonal effect (e.g. day of week for daily costs): the mean, over the `seasons` previous
 * seasons, of how far the value at the same phase stood from its long rolling mean. Adding it to
 * the rolling mean gives a seasonal expectation for step t that uses only earlier steps.
 */
export function seasonalEffect(
  values: ArrayLike<number>,
  season: number,
  longWindow: number,
  seasons = 4,
): Float64Array {
  const level = rollingMean(values, longWindow);
  const out = new Float64Array(values.length);
  for (let t = 0; t < values.length; t++) {
    let sum = 0;
    let n = 0;
    for (let k = 1; k <= seasons && t - k * season >= 0; k++) {
      const i = t - k * season;
      const dev = values[i]! - level[i]!;
      if (!Number.isNaN(dev)) {
        sum += dev;
        n++;
      }
    }
    out[t] = n > 0 ? sum / n : 0;
  }
  return out;
}

/**
 * Distance from x[t] to the closest value at the same phase one season earlier, within
 * +/- tolerance steps: small when the series repeats its daily (or weekly) shape. 0 before the
 * first full season, when there is nothing to compare with.
 */
export function seasonalDistance(values: ArrayLike<number>, season: number, tolerance: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let t = 0; t < values.length; t++) {
    const x = values[t]!;
    let best = Infinity;
    for (let i = t - season - tolerance; i <= t - season + tolerance; i++) {
      if (i < 0 || i >= t) continue;
      const d = Math.abs(x - values[i]!);
      if (d < best) best = d;
    }
    out[t] = Number.isNaN(x) ? Number.NaN : best === Infinity ? 0 : best;
  }
  return out;
}

/** Row-major feature matrix fed to the Isolation Forest. */
export interface FeatureMatrix {
  names: string[];
  /** Rows x names.length; a row with a NaN is not usable. */
  data: Float64Array;
  rows: number;
}

/**
 * The anomaly detector's features: the value, its short and long rolling means (level shifts and
 * bursts), and its distance to the same phase one season ago (so that a recurring daily or weekly
 * pattern is not new). The names are stored with each model version.
 */
export function detectorFeatures(values: ArrayLike<number>, windows: SeriesWindows): FeatureMatrix {
  const columns: [string, ArrayLike<number>][] = [
    ['value', values],
    [`mean_${windows.short}`, rollingMean(values, windows.short)],
    [`mean_${windows.long}`, rollingMean(values, windows.long)],
  ];
  if (windows.season > 0) {
    columns.push([
      `seasonal_distance_${windows.season}`,
      seasonalDistance(values, windows.season, windows.seasonTolerance),
    ]);
  }
  const d = columns.length;
  const rows = values.length;
  const data = new Float64Array(rows * d);
  columns.forEach(([, col], k) => {
    for (let t = 0; t < rows; t++) data[t * d + k] = Number.isNaN(values[t]!) ? Number.NaN : col[t]!;
  });
  return { names: columns.map(([name]) => name), data, rows };
}
