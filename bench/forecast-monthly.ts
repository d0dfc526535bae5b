/**
 * Monthly-total backtest of the cost forecaster (part of npm run bench:forecast): origins on the
 * 1st of a month after at least 365 days of history, every 6 months, 3 months ahead, on every
 * daily series of `../shared/data/daily-long`; the CUR daily totals (92 days, too short for that
 * rule) are scored from origins on the 1st of November and December 2018 to the end of the data.
 * Printed for costbot (`forecastCost`, the worker's and the command line's code), the run-rate
 * baseline (mean of the last 28 days x days in the month) and the year-over-year baseline (last
 * year's same month x the growth of the last 28 days over the same 28 days a year earlier):
 * scaled error sum|forecast - actual| / sum actual, the 80 % coverage of costbot's monthly
 * intervals, and the worst |month - sum of its days| share.
 * The run rate's trend damping was tuned on the Wikipedia origins before 2012 (`--split tune`);
 * `--split eval` scores only the later ones.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSeriesCsv } from '../src/cli/series-csv.js';
import { forecastCost } from '../src/ml/forecast/cost-forecast.js';
import { toGrid } from '../src/ml/forecast/prepare.js';
import type { BenchSeries } from './forecast-data.js';
import { loadCurDaily } from './forecast-data.js';

const DAY = 86_400_000;
const TUNE_BEFORE = Date.UTC(2012, 0, 1);

interface MonthScore {
  forecast: number;
  actual: number;
  runRate: number;
  yoy: number | null;
  inside80: boolean;
  inside95: boolean;
}

function monthStart(t: number, add: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1);
}

/** Mean of the observed days in [from, to) x the days of the window: a month's total with gaps filled at its own rate. */
function windowTotal(grid: { times: number[]; values: number[] }, from: number, to: number): number | null {
  const vals = grid.values.filter((v, i) => grid.times[i]! >= from && grid.times[i]! < to && Number.isFinite(v));
  const days = Math.round((to - from) / DAY);
  if (vals.length < 0.8 * days) return null;
  return (vals.reduce((a, b) => a + b, 0) / vals.length) * days;
}

function scoreOrigin(s: BenchSeries, origin: number, months: number, worst: { share: number }): MonthScore[] {
  const grid = toGrid(s);
  const keep = s.times.findIndex((t) => t >= origin);
  const history = { times: s.times.slice(0, keep), values: s.values.slice(0, keep) };
  const end = monthStart(origin, months);
  const horizon = Math.round((end - origin) / DAY);
  const f = forecastCost({ total: history }, horizon);
  const mean28 = (to: number) => (windowTotal(grid, to - 28 * DAY, to) ?? NaN) / 28;
  const growth = mean28(origin) / mean28(origin - 364 * DAY);
  const out: MonthScore[] = [];
  for (let k = 0; k < months; k++) {
    const from = monthStart(origin, k);
    const to = monthStart(origin, k + 1);
    const actual = windowTotal(grid, from, to);
    const m = f.months.find((x) => x.month === new Date(from).toISOString().slice(0, 7));
    if (actual === null || !m) continue;
    const daySum = f.days.filter((d) => d.time >= from && d.time < to).reduce((a, d) => a + d.yhat, 0);
    worst.share = Math.max(worst.share, Math.abs(m.yhat - daySum) / Math.max(m.yhat, 1e-9));
    const lastYear = windowTotal(grid, monthStart(from, -12), monthStart(from, -11));
    out.push({
      forecast: m.yhat,
      actual,
      runRate: mean28(origin) * Math.round((to - from) / DAY),
      yoy: lastYear === null || !Number.isFinite(growth) ? null : lastYear * growth,
      inside80: actual >= m.lower80 && actual <= m.upper80,
      inside95: actual >= m.lower95 && actual <= m.upper95,
    });
  }
  return out;
}

function report(name: string, scores: MonthScore[], worst: number, origins: number): void {
  const scaled = (pick: (m: MonthScore) => number | null) => {
    const ok = scores.filter((m) => pick(m) !== null);
    const err = ok.reduce((a, m) => a + Math.abs(pick(m)! - m.actual), 0);
    return { value: err / ok.reduce((a, m) => a + m.actual, 0), n: ok.length };
  };
  const ours = scaled((m) => m.forecast);
  const rr = scaled((m) => m.runRate);
  const yoy = scaled((m) => m.yoy);
  const better = Math.min(rr.value, Number.isFinite(yoy.value) && yoy.n === ours.n ? yoy.value : Infinity);
  const cover = (k: 'inside80' | 'inside95') => ((scores.filter((m) => m[k]).length / scores.length) * 100).toFixed(1);
  console.log(
    `${name.padEnd(34)} ${String(origins).padStart(3)} ${String(scores.length).padStart(4)}   ${ours.value.toFixed(3)}    ${rr.value.toFixed(3)}    ${yoy.n > 0 ? yoy.value.toFixed(3) : '  -  '}   ${(ours.value / better).toFixed(2)}x   ${cover('inside80').padStart(5)}%  ${cover('inside95').padStart(5)}%   ${(worst * 100).toFixed(4)}%`,
  );
}

export async function monthlyBacktest(dir: string, split: 'all' | 'tune' | 'eval' = 'all'): Promise<void> {
  console.log(`\n== monthly totals, 3 months ahead (split: ${split})`);
  console.log(
    'series                             origins months  costbot  run-rate  year/year  vs better  cover80 cover95  worst |month-sum days|',
  );
  const longDir = join(dir, 'daily-long');
  const all: MonthScore[] = [];
  let allOrigins = 0;
  let allWorst = 0;
  for (const file of readdirSync(longDir).filter((f) => f.endsWith('.csv'))) {
    const s = await readSeriesCsv(join(longDir, file));
    const series = { name: file, times: s.times, values: s.values };
    const first = s.times[0]!;
    const scores: MonthScore[] = [];
    const worst = { share: 0 };
    let origins = 0;
    for (
      let o = monthStart(first + 365 * DAY - DAY, 1);
      monthStart(o, 3) <= s.times.at(-1)! + DAY;
      o = monthStart(o, 6)
    ) {
      if ((split === 'tune' && o >= TUNE_BEFORE) || (split === 'eval' && o < TUNE_BEFORE)) continue;
      scores.push(...scoreOrigin(series, o, 3, worst));
      origins++;
    }
    report(file.replace(/\.csv$/, ''), scores, worst.share, origins);
    all.push(...scores);
    allOrigins += origins;
    allWorst = Math.max(allWorst, worst.share);
  }
  const cur = (await loadCurDaily(dir)).find((s) => s.name === 'total')!;
  const curScores: MonthScore[] = [];
  const worst = { share: 0 };
  for (const o of [Date.UTC(2018, 10, 1), Date.UTC(2018, 11, 1)]) {
    curScores.push(...scoreOrigin(cur, o, o === Date.UTC(2018, 10, 1) ? 2 : 1, worst));
  }
  report('cur-2018 total (origins Nov, Dec)', curScores, worst.share, 2);
  report('all long series', all, allWorst, allOrigins);
  console.log(
    'targets: costbot <= 0.8x the better baseline; cover80 75-85 %; worst |month - sum of days| <= 1 %. The CUR (92 days) has no year-over-year.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { dataDir } = await import('./data-dir.js');
  const i = process.argv.indexOf('--split');
  await monthlyBacktest(dataDir(), i >= 0 ? (process.argv[i + 1] as 'tune' | 'eval') : 'all');
}
