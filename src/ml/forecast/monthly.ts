import { InputError } from '../../errors.js';
import { createRandom } from '../prng.js';
import { intervalMultiplier } from './calibration.js';
import { quantile, zForLevel } from './math.js';
import { inverse, toGrid } from './prepare.js';
import type { SeriesForecast, SeriesInput } from './types.js';
import { DAY_MS } from '../../days.js';

export interface MonthlyOptions {
  /** The history the forecast was made from: its values complete the month the forecast starts in. */
  history?: SeriesInput;
  /** Simulated paths. @defaultValue 2000 */
  samples?: number;
  /** Seed of the path simulation, so a run can be repeated. @defaultValue 1 */
  seed?: number;
}

/** A calendar month (UTC) of a forecast: observed part plus the forecast part, with intervals. */
export interface MonthlyForecast {
  /** "YYYY-MM". */
  month: string;
  /** Median of the simulated month totals. */
  yhat: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
  forecastSteps: number;
  observedSteps: number;
  observedTotal: number;
  /** False when some steps of the month are neither observed nor forecast (horizon ends mid-month, or gaps). */
  complete: boolean;
}

/**
 * Month totals with intervals, by simulating whole forecast paths; summing the daily bounds would
 * be wrong (it treats every day's error as hitting its bound at once) and so would adding daily
 * variances as if days were independent (level and trend errors persist from day to day).
 *
 * Each path, in the model's transformed space, is center[h] + c[h]·Z + n·E[h], where n = scale[0]
 * (the one-step spread: day-to-day noise, independent across days) and c[h] = √(scale[h]² − n²)
 * (the part that grows with the horizon: level and trend uncertainty, shared by the whole path,
 * hence one Z per path), Z and E[h] standard normal. For each level (80 %, 95 %) the errors are
 * widened by the calibration of `intervalsAt`, so that a single day's band equals the calibrated
 * daily band at that level. Paths are mapped back to original units and summed per month; the
 * quantiles of those sums are the intervals, the median is yhat. Treating the growing part as fully shared is conservative for random-walk-like errors
 * (it overstates the monthly spread by up to ~15 %) and exact for trend-slope errors.
 */
export function aggregateMonthly(forecast: SeriesForecast, options: MonthlyOptions = {}): MonthlyForecast[] {
  const { stepMs, points } = forecast;
  if (stepMs > DAY_MS || DAY_MS % stepMs !== 0) {
    throw new InputError(`monthly totals need a step of one day or a divisor of a day, got ${stepMs / 1000} s`);
  }
  const samples = options.samples ?? 2000;
  const months = new Map<string, MonthAccumulator>();
  const accumulator = (t: number) => {
    const key = monthOf(t);
    let m = months.get(key);
    if (!m) months.set(key, (m = { forecastSteps: 0, observedSteps: 0, observedTotal: 0 }));
    return m;
  };
  points.forEach((p) => accumulator(p.time).forecastSteps++);
  if (options.history && points.length > 0) addObservedPart(options.history, points[0]!.time, accumulator);
  const keys = [...months.keys()];
  const monthIndex = points.map((p) => keys.indexOf(monthOf(p.time)));
  const seed = options.seed ?? 1;
  const totals80 = simulateTotals(forecast, 0.8, samples, seed, monthIndex, keys.length);
  const totals95 = simulateTotals(forecast, 0.95, samples, seed, monthIndex, keys.length);
  return keys.map((month, i) => {
    const m = months.get(month)!;
    const t80 = Array.from(totals80[i]!, (t) => t + m.observedTotal);
    const t95 = Array.from(totals95[i]!, (t) => t + m.observedTotal);
    const [year, mon] = month.split('-').map(Number) as [number, number];
    const stepsInMonth = (Date.UTC(year, mon, 1) - Date.UTC(year, mon - 1, 1)) / stepMs;
    return {
      month,
      yhat: quantile(t80, 0.5),
      lower80: quantile(t80, 0.1),
      upper80: quantile(t80, 0.9),
      lower95: quantile(t95, 0.025),
      upper95: quantile(t95, 0.975),
      forecastSteps: m.forecastSteps,
      observedSteps: m.observedSteps,
      observedTotal: m.observedTotal,
      complete: m.forecastSteps + m.observedSteps === stepsInMonth,
    };
  });
}

interface MonthAccumulator {
  forecastSteps: number;
  observedSteps: number;
  observedTotal: number;
}

function monthOf(t: number): string {
  return new Date(t).toISOString().slice(0, 7);
}

/** Adds the history's values of the month the forecast starts in (known, so without spread). */
function addObservedPart(history: SeriesInput, start: number, accumulator: (t: number) => MonthAccumulator): void {
  const grid = toGrid(history);
  const month = monthOf(start);
  grid.times.forEach((t, i) => {
    const v = grid.values[i]!;
    if (t >= start || monthOf(t) !== month || !Number.isFinite(v)) return;
    const m = accumulator(t);
    m.observedSteps++;
    m.observedTotal += v;
  });
}

/**
 * Forecast part of each month's total per simulated path, with normal errors widened so that one
 * step's band at `level` equals the calibrated daily band at that level.
 */
function simulateTotals(
  forecast: SeriesForecast,
  level: number,
  samples: number,
  seed: number,
  monthIndex: readonly number[],
  monthCount: number,
): Float64Array[] {
  const { center, scale, scores, transform } = forecast.distribution;
  const totals = Array.from({ length: monthCount }, () => new Float64Array(samples));
  const random = createRandom(seed);
  const widen = intervalMultiplier(scores, level) / zForLevel(level);
  const noise = (scale[0] ?? 0) * widen;
  const growing = scale.map((s) => Math.sqrt(Math.max(s * s * widen * widen - noise * noise, 0)));
  for (let path = 0; path < samples; path++) {
    const z = standardNormal(random);
    for (let h = 0; h < center.length; h++) {
      const e = growing[h]! * z + noise * standardNormal(random);
      totals[monthIndex[h]!]![path]! += inverse(transform, center[h]! + e);
    }
  }
  return totals;
}

function standardNormal(random: () => number): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
