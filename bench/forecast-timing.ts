import type { ForecastRuntime } from '../src/ml/forecast/runtime.js';
import { forecastSeries } from '../src/ml/forecast/forecast-series.js';
import { loadBitbrainsHourly } from './forecast-data.js';

const DAY = 86_400_000;
const LENGTH = 400;

/**
 * Fit + predict time of `forecastSeries` (the whole call: the five models, the three-origin
 * in-sample backtest and the intervals) on 400-step daily series. No real daily series in the
 * data sets is 400 days long, so the first 400 hourly CPU means of each bitbrains VM are laid on
 * consecutive days: real values, relabelled, used for timing only.
 */
export async function timeLongDailySeries(rt: ForecastRuntime, dir: string): Promise<void> {
  const vms = await loadBitbrainsHourly(dir);
  const series = vms.map((vm) => ({
    times: vm.values.slice(0, LENGTH).map((_, i) => Date.UTC(2024, 0, 1) + i * DAY),
    values: vm.values.slice(0, LENGTH),
  }));
  forecastSeries(series[0]!, { horizon: 30 }, rt); // warm-up: the first WASM calls compile code paths
  console.log(`\n== fit + predict of a ${LENGTH}-day daily series (${series.length} series, after one warm-up call)`);
  for (const horizon of [30, 90, 365]) {
    const ms = series.map((s) => {
      const t0 = performance.now();
      forecastSeries(s, { horizon }, rt);
      return performance.now() - t0;
    });
    ms.sort((a, b) => a - b);
    const median = (ms[(ms.length - 1) >> 1]! + ms[ms.length >> 1]!) / 2;
    console.log(
      `horizon ${String(horizon).padStart(3)} days: median ${median.toFixed(0)} ms, max ${ms[ms.length - 1]!.toFixed(0)} ms`,
    );
  }
}
