/**
 * Rolling-origin backtest of the cost forecaster on real series (npm run bench:forecast):
 *   cur        daily unblended cost per significant service, per account and in total (CUR 2018)
 *   nab        the 17 NAB CloudWatch series, hourly means
 *   bitbrains  hourly mean CPU % of the 10 bitbrains VMs, July-September 2013
 * At every origin each method sees only the rows before it. MASE is scaled by the in-sample
 * seasonal-naive MAE (period 7 daily, 24 hourly) of the training window. Baselines, same run:
 * seasonal naive, augurs MSTL (ETS trend) and augurs Prophet with its default settings.
 * Daily series (cur) are forecast by the cost forecaster (forecastCost), the others by the ensemble.
 * Then the monthly-total backtest (bench/forecast-monthly.ts) on ../shared/data/daily-long and the CUR.
 * Options: --data DIR (or COSTBOT_DATA_DIR), --set cur|nab|bitbrains, --verbose (per series).
 */
import { loadForecastRuntime } from '../src/ml/forecast/load-augurs.js';
import { interpolateGaps, zForLevel } from '../src/ml/forecast/math.js';
import { runSeasonalNaive } from '../src/ml/forecast/models.js';
import { toGrid } from '../src/ml/forecast/prepare.js';
import type { ForecastRuntime } from '../src/ml/forecast/runtime.js';
import { forecastSeries } from '../src/ml/forecast/forecast-series.js';
import { forecastCost } from '../src/ml/forecast/cost-forecast.js';
import { dataDir } from './data-dir.js';
import { loadBitbrainsHourly, loadCurDaily, loadNabHourly, type BenchSeries } from './forecast-data.js';
import { mae, MethodScore, naiveScale, type MethodForecast } from './forecast-metrics.js';
import { timeLongDailySeries } from './forecast-timing.js';
import { monthlyBacktest } from './forecast-monthly.js';

interface BenchSet {
  name: string;
  load: (dir: string) => Promise<BenchSeries[]>;
  period: number;
  horizon: number;
  /** First origin, in steps from the start of each series. */
  firstOrigin: number;
  /**
   * Steps between origins. Bitbrains is subsampled to every 127 hours (5 days 7 hours) to keep the
   * run to a few minutes; the odd spacing makes the origins rotate through hours and weekdays.
   */
  spacing: number;
}

const SETS: BenchSet[] = [
  { name: 'cur', load: loadCurDaily, period: 7, horizon: 14, firstOrigin: 28, spacing: 7 },
  { name: 'nab', load: loadNabHourly, period: 24, horizon: 24, firstOrigin: 72, spacing: 24 },
  { name: 'bitbrains', load: loadBitbrainsHourly, period: 24, horizon: 24, firstOrigin: 14 * 24, spacing: 127 },
];
/** Baselines see the same window as the forecaster fits (it keeps the last 1000 steps). */
const WINDOW = 1000;
const METHODS = ['costbot', 'seasonal-naive', 'mstl', 'prophet-default'] as const;
type Method = (typeof METHODS)[number];

function bands(point: readonly number[], sd: readonly number[]): MethodForecast['bands'] {
  const band = (level: number) => {
    const z = zForLevel(level / 100);
    return { lower: point.map((p, h) => p - z * sd[h]!), upper: point.map((p, h) => p + z * sd[h]!) };
  };
  return { 80: band(80), 95: band(95) };
}

function costPoints(history: BenchSeries, horizon: number) {
  const f = forecastCost({ total: history }, horizon);
  return { points: f.days };
}

function timed<T>(run: () => T): [T, number] {
  const t0 = performance.now();
  const out = run();
  return [out, performance.now() - t0];
}

function runMethods(
  rt: ForecastRuntime,
  history: BenchSeries,
  train: number[],
  set: BenchSet,
): Record<Method, MethodForecast> {
  const H = set.horizon;
  // Daily series go through the cost forecaster (as in the worker and the command line), others the ensemble.
  const [ours, ms] = timed(() =>
    set.period === 7 ? costPoints(history, H) : forecastSeries(history, { horizon: H }, rt),
  );
  const [sn, snMs] = timed(() => runSeasonalNaive(train, H, set.period));
  const [mstl, mstlMs] = timed(() => {
    const model = rt.MSTL.ets([set.period]);
    model.fit(interpolateGaps(train));
    const f80 = model.predict(H, 0.8);
    const f95 = model.predict(H, 0.95);
    model.free();
    return { point: f80.point, bands: { 80: f80.intervals!, 95: f95.intervals! } };
  });
  const [prophet, prophetMs] = timed(() => {
    const model = new rt.Prophet({ optimizer: rt.optimizer });
    const from = Math.max(0, history.times.length - WINDOW);
    model.fit({ ds: history.times.slice(from).map((t) => t / 1000), y: history.values.slice(from) });
    const step = history.times[history.times.length - 1]! - history.times[history.times.length - 2]!;
    const last = history.times[history.times.length - 1]!;
    const f = model.predict({ ds: Array.from({ length: H }, (_, h) => (last + (h + 1) * step) / 1000) }).yhat;
    model.free();
    return { point: f.point, bands: f.intervals ? { 80: f.intervals } : {} };
  });
  return {
    costbot: {
      point: ours.points.map((p) => p.yhat),
      bands: {
        80: { lower: ours.points.map((p) => p.lower80), upper: ours.points.map((p) => p.upper80) },
        95: { lower: ours.points.map((p) => p.lower95), upper: ours.points.map((p) => p.upper95) },
      },
      ms,
    },
    'seasonal-naive': { point: sn.point, bands: bands(sn.point, sn.sd), ms: snMs },
    mstl: { ...mstl, ms: mstlMs },
    'prophet-default': { ...prophet, ms: prophetMs },
  };
}

async function runSet(rt: ForecastRuntime, set: BenchSet, dir: string, verbose: boolean): Promise<[number, number]> {
  const series = await set.load(dir);
  const scores = Object.fromEntries(METHODS.map((m) => [m, new MethodScore()])) as Record<Method, MethodScore>;
  let origins = 0;
  let skipped = 0;
  for (const s of series) {
    const grid = toGrid(s);
    for (let o = set.firstOrigin; o + set.horizon <= grid.values.length; o += set.spacing) {
      const train = grid.values.slice(Math.max(0, o - WINDOW), o);
      const actual = grid.values.slice(o, o + set.horizon);
      const scale = naiveScale(train, set.period);
      if (!(scale > 0) || !actual.some(Number.isFinite)) {
        skipped++;
        continue;
      }
      const cut = grid.times[o]!;
      const keep = s.times.findIndex((t) => t >= cut);
      const history = { name: s.name, times: s.times.slice(0, keep), values: s.values.slice(0, keep) };
      const result = runMethods(rt, history, train, set);
      for (const m of METHODS) scores[m].add(s.name, mae(result[m].point, actual) / scale, result[m], actual);
      origins++;
    }
  }
  const base = scores['seasonal-naive'];
  const perSeriesRatio = (m: Method) => {
    const r = series.map((s) => scores[m].seriesMase(s.name) / base.seriesMase(s.name)).filter(Number.isFinite);
    return r.reduce((a, b) => a + b, 0) / r.length;
  };
  console.log(
    `\n== ${set.name}: ${series.length} series, ${origins} origins (${skipped} skipped: zero MASE scale or no actuals), horizon ${set.horizon}, period ${set.period}`,
  );
  console.log('method           MASE   ratio(pooled)  ratio(mean per series)  cover80  cover95  ms/fit');
  for (const m of METHODS) {
    const s = scores[m];
    const pct = (v: number | null) => (v === null ? '   -  ' : `${(v * 100).toFixed(1)}%`.padStart(6));
    console.log(
      `${m.padEnd(15)} ${s.pooledMase().toFixed(3).padStart(6)}   ${(s.pooledMase() / base.pooledMase()).toFixed(3).padStart(6)}` +
        `         ${perSeriesRatio(m).toFixed(3).padStart(6)}                 ${pct(s.coverage(80))}   ${pct(s.coverage(95))}  ${(s.ms / s.fits).toFixed(0).padStart(5)}`,
    );
  }
  if (verbose) {
    for (const s of series) {
      const line = METHODS.map((m) => `${m}=${scores[m].seriesMase(s.name).toFixed(2)}`).join(' ');
      console.log(`  ${s.name.slice(0, 40).padEnd(40)} ${line}`);
    }
  }
  return [scores.costbot.pooledMase() / base.pooledMase(), perSeriesRatio('costbot')];
}

async function main(): Promise<void> {
  const dir = dataDir();
  const only = process.argv.includes('--set') ? process.argv[process.argv.indexOf('--set') + 1] : undefined;
  const verbose = process.argv.includes('--verbose');
  const rt = await loadForecastRuntime();
  const t0 = performance.now();
  const ratios: [number, number][] = [];
  for (const set of SETS.filter((s) => !only || s.name === only)) ratios.push(await runSet(rt, set, dir, verbose));
  const mean = (i: 0 | 1) => (ratios.reduce((a, r) => a + r[i], 0) / ratios.length).toFixed(3);
  console.log(`\nMASE ratio costbot / seasonal naive, mean over sets: pooled ${mean(0)}, per series ${mean(1)}`);
  await timeLongDailySeries(dir);
  if (!only) await monthlyBacktest(dir);
  console.log(`\ntotal bench time ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

await main();
