import { forecastCost } from '../src/ml/forecast/cost-forecast.js';
import { loadBitbrainsHourly } from './forecast-data.js';

const DAY = 86_400_000;
const LENGTH = 400;

/**
 * Fit + predict time of `forecastCost` (the whole call: the rolling backtest of the candidate
 * methods, the choice, the forecast and its intervals) on 400-step daily series. No real daily series in the
 * data sets is 400 days long, so the first 400 hourly CPU means of each bitbrains VM are laid on
 * consecutive days: real values, relabelled, used for timing only.
 */
export async function timeLongDailySeries(dir: string): Promise<void> {
  const vms = await loadBitbrainsHourly(dir);
  const series = vms.map((vm) => ({
    times: vm.values.slice(0, LENGTH).map((_, i) => Date.UTC(2024, 0, 1) + i * DAY),
    values: vm.values.slice(0, LENGTH),
  }));
  forecastCost({ total: series[0]! }, 30); // warm-up
  console.log(`\n== fit + predict of a ${LENGTH}-day daily series (${series.length} series, after one warm-up call)`);
  for (const horizon of [30, 90, 365]) {
    const ms = series.map((s) => {
      const t0 = performance.now();
      forecastCost({ total: s }, horizon);
      return performance.now() - t0;
    });
    ms.sort((a, b) => a - b);
    const median = (ms[(ms.length - 1) >> 1]! + ms[ms.length >> 1]!) / 2;
    console.log(
      `horizon ${String(horizon).padStart(3)} days: median ${median.toFixed(0)} ms, max ${ms[ms.length - 1]!.toFixed(0)} ms`,
    );
  }
}
