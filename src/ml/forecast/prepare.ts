import { InputError, InsufficientDataError } from '../../errors.js';
import type { ProphetSeasonalitySpec } from './types.js';
import type { SeriesInput, ValueTransform } from './types.js';
import { DAY_MS } from '../../days.js';

/** One billing cycle: under this much daily history no forecast is made (as Cost Explorer does). */
export const BILLING_CYCLE_DAYS = 28;
/** Yearly seasonality needs two full cycles to be told apart from trend. */
const YEARLY_MIN_DAYS = 730;
const MIN_OBSERVED = 14;

/** A series on its regular grid, missing steps NaN. */
export interface GridSeries {
  stepMs: number;
  times: number[];
  values: number[];
  observed: number;
}

/**
 * Sorts the rows, keeps the last row of a repeated time (a restated day replaces the earlier
 * figure), detects the step as the most common spacing and lays the rows on a regular grid where
 * missing steps are NaN, never zero. Spacings that are not whole multiples of the step are an
 * error (e.g. local-time data across a daylight-saving change, or calendar months).
 */
export function toGrid(series: SeriesInput): GridSeries {
  if (series.times.length !== series.values.length) {
    throw new InputError(`times (${series.times.length}) and values (${series.values.length}) differ in length`);
  }
  const byTime = new Map<number, number>();
  series.times.forEach((t, i) => {
    const v = series.values[i]!;
    if (!Number.isFinite(t)) throw new InputError(`row ${i + 1}: time ${String(t)} is not a valid timestamp`);
    if (!Number.isFinite(v)) throw new InputError(`row ${i + 1}: value ${String(v)} is not a finite number`);
    byTime.set(t, v);
  });
  const times = [...byTime.keys()].sort((a, b) => a - b);
  if (times.length < 2) throw new InsufficientDataError(`only ${times.length} row(s); a forecast needs a history`);
  const stepMs = mostCommonSpacing(times);
  const start = times[0]!;
  times.forEach((t, i) => {
    if ((t - start) % stepMs !== 0) {
      throw new InputError(
        `irregular time step: row ${i + 1} (${new Date(t).toISOString()}) is not a whole number of steps of ` +
          `${stepMs / 1000} s after the first row; resample the series to a regular step`,
      );
    }
  });
  const n = (times[times.length - 1]! - start) / stepMs + 1;
  const values = new Array<number>(n).fill(NaN);
  for (const t of times) values[(t - start) / stepMs] = byTime.get(t)!;
  return { stepMs, times: Array.from({ length: n }, (_, i) => start + i * stepMs), values, observed: times.length };
}

function mostCommonSpacing(times: readonly number[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [d, c] of counts) if (c > bestCount || (c === bestCount && d < best)) [best, bestCount] = [d, c];
  return best;
}

/** History rules: too short, or nothing but zeros, cannot be forecast honestly. */
export function checkHistory(grid: GridSeries, period: number): void {
  const observedValues = grid.values.filter(Number.isFinite);
  if (observedValues.every((v) => v === 0)) {
    throw new InputError('every value is zero: there is no cost or usage to forecast');
  }
  const spanDays = ((grid.times.length - 1) * grid.stepMs) / DAY_MS;
  if (grid.stepMs >= DAY_MS && spanDays + 1 < BILLING_CYCLE_DAYS) {
    throw new InsufficientDataError(
      `${Math.round(spanDays + 1)} day(s) of history: under one billing cycle (${BILLING_CYCLE_DAYS} days) no forecast is made`,
    );
  }
  const needed = Math.max(MIN_OBSERVED, 2 * period);
  if (grid.observed < needed) {
    throw new InsufficientDataError(
      `${grid.observed} observed rows; at least ${needed} are needed (two seasonal periods)`,
    );
  }
}

/**
 * Seasonal period in steps: the hint, else 7 for daily steps and the steps per day for sub-daily
 * ones (when they divide a day); 1 (none) otherwise.
 */
export function seasonalPeriod(stepMs: number, hint: number | undefined): number {
  if (hint !== undefined) {
    if (!Number.isInteger(hint) || hint < 1)
      throw new InputError(`periodHint must be a whole number >= 1, got ${hint}`);
    return hint;
  }
  if (stepMs === DAY_MS) return 7;
  if (stepMs < DAY_MS && DAY_MS % stepMs === 0) return DAY_MS / stepMs;
  return 1;
}

/**
 * Prophet's seasonalities, each only when the history holds at least two of its cycles: weekly
 * (>= 14 days) and daily (sub-daily steps, >= 2 days); yearly only with >= 730 days, since with
 * less a yearly wave cannot be told apart from trend. A period hint that is none of these is
 * added as its own seasonality.
 */
export function prophetSeasonalities(grid: GridSeries, period: number): ProphetSeasonalitySpec[] {
  const spanDays = (grid.times.length * grid.stepMs) / DAY_MS;
  const out: ProphetSeasonalitySpec[] = [];
  if (grid.stepMs < DAY_MS && spanDays >= 2) out.push({ name: 'daily', periodDays: 1, fourierOrder: 8 });
  if (grid.stepMs <= DAY_MS && spanDays >= 14) out.push({ name: 'weekly', periodDays: 7, fourierOrder: 3 });
  if (spanDays >= YEARLY_MIN_DAYS) out.push({ name: 'yearly', periodDays: 365.25, fourierOrder: 10 });
  const periodDays = (period * grid.stepMs) / DAY_MS;
  if (period > 1 && !out.some((s) => Math.abs(s.periodDays - periodDays) < 1e-9) && spanDays >= 2 * periodDays) {
    out.push({ name: 'custom', periodDays, fourierOrder: Math.min(5, Math.floor(period / 2)) });
  }
  return out;
}

/**
 * Non-negative series (costs, utilization, bytes) are modelled as log(y + offset), offset 1 % of
 * the mean: their changes are multiplicative, their spikes are tamed, and back-transformed
 * intervals are skewed and never below zero. Series with negative values stay as they are.
 */
export function chooseTransform(values: readonly number[]): ValueTransform {
  const observed = values.filter(Number.isFinite);
  if (observed.some((v) => v < 0)) return { kind: 'identity' };
  const mean = observed.reduce((a, b) => a + b, 0) / observed.length;
  return { kind: 'log', offset: 0.01 * mean };
}

export function forward(t: ValueTransform, v: number): number {
  return t.kind === 'log' ? Math.log(Math.max(v, 0) + t.offset) : v;
}

export function inverse(t: ValueTransform, v: number): number {
  return t.kind === 'log' ? Math.max(Math.exp(v) - t.offset, 0) : v;
}
