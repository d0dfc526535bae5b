import type { ForecastRuntime } from './runtime.js';
import { interpolateGaps, zForLevel } from './math.js';
import type { ModelForecast, ModelInput } from './types.js';

/** Level the augurs models are asked for; their band is turned back into a standard deviation. */
const BAND_LEVEL = 0.8;

function sdFromBand(lower: readonly number[], upper: readonly number[]): number[] {
  const z = zForLevel(BAND_LEVEL);
  return lower.map((lo, i) => Math.max(0, (upper[i]! - lo) / (2 * z)));
}

/** MSTL decomposition with an AutoETS trend on the deseasonalised series (augurs). */
export function runMstl(rt: ForecastRuntime, input: ModelInput): ModelForecast {
  const model = rt.MSTL.ets([...input.periods]);
  try {
    model.fit(interpolateGaps(input.y));
    const f = model.predict(input.horizon, BAND_LEVEL);
    if (!f.intervals) throw new Error('MSTL returned no intervals');
    return { point: f.point, sd: sdFromBand(f.intervals.lower, f.intervals.upper) };
  } finally {
    model.free();
  }
}

/** Non-seasonal AutoETS (error/trend chosen by AICc): the level-and-trend model. */
export function runEts(rt: ForecastRuntime, input: ModelInput): ModelForecast {
  const model = new rt.AutoETS(1, 'ZZN');
  try {
    model.fit(interpolateGaps(input.y));
    const f = model.predict(input.horizon, BAND_LEVEL);
    if (!f.intervals) throw new Error('ETS returned no intervals');
    return { point: f.point, sd: sdFromBand(f.intervals.lower, f.intervals.upper) };
  } finally {
    model.free();
  }
}

/**
 * Seasonal naive with period `m` (m = 1: naive, the last value): each step repeats the value one
 * period earlier. Its spread is the in-sample RMS of the lag-m differences, growing with the
 * square root of the number of periods ahead (a seasonal random walk).
 */
export function runSeasonalNaive(values: readonly number[], horizon: number, m: number): ModelForecast {
  const y = interpolateGaps(values);
  const n = y.length;
  let ss = 0;
  for (let t = m; t < n; t++) ss += (y[t]! - y[t - m]!) ** 2;
  const sigma = n > m ? Math.sqrt(ss / (n - m)) : 0;
  const point: number[] = [];
  const sd: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    point.push(y[n - m + ((h - 1) % m)]!);
    sd.push(sigma * Math.sqrt(Math.floor((h - 1) / m) + 1));
  }
  return { point, sd };
}
