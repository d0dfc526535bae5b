import { forward, inverse } from './prepare.js';
import { runSeasonalNaive } from './models.js';
import { zForLevel } from './math.js';
import type { EnsembleForecast } from './ensemble.js';
import type { BacktestSummary, ValueTransform } from './types.js';

/** Rolling origins of the in-sample backtest. */
const ORIGINS = 3;
/** Below this many scores an interval level cannot be calibrated; the model's own normal band is used. */
export const MIN_SCORES = 20;

export interface BacktestResult {
  /** Signed normalised errors (actual − forecast) / scale, in transformed space. */
  scores: number[];
  summary: BacktestSummary;
}

/**
 * In-sample rolling-origin backtest, never past the forecast origin: the ensemble is refitted on
 * the history cut at n − k·h (k = 1..3) and scored on the next h steps, h = the horizon (at least a
 * period and 10 steps) or what the history allows. Its normalised errors calibrate the intervals (split-conformal on the
 * model's own scale), so the band keeps the model's shape (widening with the horizon) while its
 * width matches the errors the model actually made on this series. Returns null when the history
 * is too short for a single origin.
 */
export function rollingBacktest(
  values: readonly number[],
  horizon: number,
  minTrain: number,
  period: number,
  transform: ValueTransform,
  forecastAt: (cut: number, steps: number) => EnsembleForecast,
): BacktestResult | null {
  const n = values.length;
  // Short horizons are scored over at least a period (and 10 steps) so there are enough errors to calibrate on.
  const steps = Math.min(Math.max(horizon, period, 10), Math.floor((n - minTrain) / ORIGINS));
  if (steps < 1) return null;
  const scores: number[] = [];
  let absErr = 0;
  let baseErr = 0;
  let count = 0;
  for (let k = ORIGINS; k >= 1; k--) {
    const cut = n - k * steps;
    const f = forecastAt(cut, steps);
    const history = values.slice(0, cut).map((v) => (Number.isFinite(v) ? forward(transform, v) : NaN));
    const base = runSeasonalNaive(history, steps, period);
    for (let h = 0; h < steps; h++) {
      const actual = values[cut + h]!;
      if (!Number.isFinite(actual)) continue;
      const e = forward(transform, actual) - f.center[h]!;
      if (f.scale[h]! > 0) scores.push(e / f.scale[h]!);
      absErr += Math.abs(actual - inverse(transform, f.center[h]!));
      baseErr += Math.abs(actual - inverse(transform, base.point[h]!));
      count++;
    }
  }
  if (count === 0) return null;
  return {
    scores,
    summary: { origins: ORIGINS, horizonSteps: steps, mae: absErr / count, baselineMae: baseErr / count },
  };
}

/**
 * Multiplier of the scale for a central interval at `level` (0..1): the split-conformal quantile
 * of |score| (rank ⌈(N+1)·level⌉). Levels past what N scores can resolve (rank > N) extrapolate
 * from the largest score with the normal tail, and with fewer than 20 scores the normal z is used,
 * so that a higher level never gives a narrower band.
 */
export function intervalMultiplier(scores: readonly number[], level: number): number {
  const abs = scores.map(Math.abs).sort((a, b) => a - b);
  const n = abs.length;
  if (n < MIN_SCORES) return zForLevel(level);
  const rank = Math.ceil((n + 1) * level);
  if (rank <= n) return abs[rank - 1]!;
  return (abs[n - 1]! * zForLevel(level)) / zForLevel(n / (n + 1));
}
