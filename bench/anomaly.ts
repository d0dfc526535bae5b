/**
 * Anomaly benchmark (`npm run bench:anomaly [-- --data DIR] [--seeds N] [--with-as-is] [--nab-only]`):
 * 1. checks the TypeScript NAB scorer against Numenta's published results (73.42 standard);
 * 2. runs `detect`'s code path (readSeriesCsv + detectScores) over the 17 NAB realAWSCloudwatch
 *    files and scores them with the TS scorer, beside the published detectors: on all files (the
 *    threshold chosen on the files it scores), and held out (bench/nab-held-out.ts: each file at
 *    a threshold chosen on the other half of the files, or on the other metric kinds);
 * 3. the same with the forest swapped: Liu et al.'s plain scoring, and the `ml-isolation-forest`
 *    package (subsampled; whole window per tree with --with-as-is, slow);
 * 4. times 10,000 daily cost series of 400 days through detectCostAnomalies (training included):
 *    as the nightly scoring job runs it (its 14-day window) and as a causal backtest of every day;
 * and prints peak memory. `--nab-only` stops after step 2 (for iterating on the detector). Single-threaded (DuckDB is opened with one thread); run it with `nice`.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readSeriesCsv, type SeriesRows } from '../src/cli/series-csv.js';
import { detectScores, formatScore } from '../src/cli/detect.js';
import type { DetectorOptions } from '../src/ml/anomaly/detector.js';
import { detectCostAnomalies } from '../src/ml/anomaly/cost-anomalies.js';
import { scoreNabProfiles, type NabFile, type NabProfileName, type NabResult } from './nab-scorer.js';
import { familyFolds, halfFolds, heldOutScore } from './nab-held-out.js';
import { loadDailyPool, replaySeries } from './anomaly-daily-series.js';
import { dataDir } from './data-dir.js';
import { mlIsolationForestAsIs, mlIsolationForestSubsampled } from './ml-isolation-forest-backend.js';
import { nabFileNames, readNabResults, readNabWindows, type NabWindows } from '../test/support/nab-corpus.js';
import { msToDay } from '../src/days.js';

const { values: flags } = parseArgs({
  options: {
    data: { type: 'string' },
    seeds: { type: 'string', default: '10' },
    'with-as-is': { type: 'boolean', default: false },
    'nab-only': { type: 'boolean', default: false },
  },
});
const dir = dataDir();
const PROFILES: NabProfileName[] = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'];
const PUBLISHED: [string, number][] = [
  ['Numenta HTM', 73.4],
  ['contextOSE', 71.5],
  ['ARTime', 69.5],
  ['Random Cut Forest', 57.6],
  ['Twitter ADVec', 38.5],
  ['windowed Gaussian', 31.2],
];

let peakRss = 0;
function sampleMemory(): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

function row(label: string, r: Record<NabProfileName, NabResult>, extra = ''): string {
  return `  ${label.padEnd(58)} ${PROFILES.map((p) => r[p].score.toFixed(2).padStart(7)).join(' ')}  ${extra}`;
}

function checkScorer(windows: NabWindows): Promise<void> {
  return readNabResults(join(dir, 'nab-aws', 'numenta-reference'), windows).then((files) => {
    const r = scoreNabProfiles(files);
    console.log("NAB scorer check on Numenta HTM's published scores (reference nab_score.py: 73.42 / 68.75 / 76.72)");
    console.log(row('TypeScript scorer', r, `threshold ${r.standard.threshold}`));
    console.log("  Numenta HTM's published scores, held out the same way as costbot's below:");
    printGeneralization(generalization(files));
  });
}

/** Wall and CPU seconds of fn (the machine is shared: CPU time is the fairer figure). */
class Timer {
  wall = 0;
  cpu = 0;
  time<T>(fn: () => T): T {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return fn();
    } finally {
      const c = process.cpuUsage(c0);
      this.wall += (performance.now() - t0) / 1000;
      this.cpu += (c.user + c.system) / 1e6;
    }
  }
  toString(): string {
    return `${this.wall.toFixed(1)} s wall, ${this.cpu.toFixed(1)} s CPU`;
  }
}

/** Speed of this machine right now: ns per element of a plain Float64Array sum (about 1 on an idle modern core). */
function machineProbe(): string {
  const a = Float64Array.from({ length: 1_000_000 }, (_, i) => i % 7);
  const timer = new Timer();
  const sum = timer.time(() => {
    let s = 0;
    for (let k = 0; k < 100; k++) for (let i = 0; i < a.length; i++) s += a[i]!;
    return s;
  });
  return `${(timer.cpu * 10).toFixed(2)} ns/element CPU (sum ${sum})`;
}

const HALVINGS = 10;
const GENERALIZATION_LABELS = {
  all: 'all files (threshold chosen on all 17)',
  half: `leave-half-out (threshold from the other half, ${HALVINGS} halvings)`,
  family: 'leave-one-family-out (threshold from the other kinds)',
} as const;

interface Generalization {
  all: Record<NabProfileName, number>;
  half: Record<NabProfileName, number>;
  family: Record<NabProfileName, number>;
  /** Standard profile, each family at the other families' threshold. */
  perFamily: [string, number, number][];
}

/** The all-files figure and the held-out ones (bench/nab-held-out.ts) of one run. */
function generalization(files: NabFile[]): Generalization {
  const all = scoreNabProfiles(files);
  const halves = halfFolds(files, HALVINGS);
  const families = familyFolds(files);
  const by = (f: (p: NabProfileName) => number) =>
    Object.fromEntries(PROFILES.map((p) => [p, f(p)])) as Record<NabProfileName, number>;
  return {
    all: by((p) => all[p].score),
    half: by((p) => halves.reduce((sum, folds) => sum + heldOutScore(folds, p), 0) / halves.length),
    family: by((p) => heldOutScore([...families.values()], p)),
    perFamily: [...families].map(([name, fold]) => [name, fold.test.length, heldOutScore([fold], 'standard')]),
  };
}

function printGeneralization(g: Generalization): void {
  for (const key of ['half', 'family'] as const) {
    console.log(
      `  ${`  ${GENERALIZATION_LABELS[key]}`.padEnd(58)} ${PROFILES.map((p) => g[key][p].toFixed(2).padStart(7)).join(' ')}`,
    );
  }
  const parts = g.perFamily.map(([name, n, score]) => `${name} (${n}) ${score.toFixed(1)}`);
  console.log(`      each family at the others' threshold (standard): ${parts.join(', ')}`);
}

function meanSd(v: number[]): string {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return `${mean.toFixed(2)}±${sd.toFixed(2)}`.padStart(11);
}

/** detect's code path over the corpus, timing the scoring (reading excluded). */
function runDetect(
  inputs: Map<string, SeriesRows>,
  windows: NabWindows,
  options: DetectorOptions,
): { files: NabFile[]; timer: Timer } {
  const files: NabFile[] = [];
  const timer = new Timer();
  for (const name of nabFileNames(windows)) {
    const input = inputs.get(name)!;
    const { scores } = timer.time(() => detectScores(input, options));
    files.push({
      name,
      timestamps: input.labels,
      scores: Array.from(scores, (s) => Number(formatScore(s))),
      windows: windows[name] ?? [],
    });
    sampleMemory();
  }
  return { files, timer };
}

async function nabBenchmark(windows: NabWindows): Promise<void> {
  const inputs = new Map<string, SeriesRows>();
  for (const name of nabFileNames(windows)) inputs.set(name, await readSeriesCsv(join(dir, 'nab-aws', 'data', name)));
  console.log(
    `\nNAB realAWSCloudwatch, ${inputs.size} files, ${[...inputs.values()].reduce((n, i) => n + i.values.length, 0)} rows (columns: standard, reward_low_FP_rate, reward_low_FN_rate)`,
  );
  const main = runDetect(inputs, windows, { seed: 1 });
  console.log(row('costbot detect (seed 1), all files', scoreNabProfiles(main.files), `${main.timer} (target < 30 s)`));
  const first = generalization(main.files);
  printGeneralization(first);
  const seeds = Number(flags.seeds);
  if (seeds > 1) {
    const runs = [first];
    for (let seed = 2; seed <= seeds; seed++) runs.push(generalization(runDetect(inputs, windows, { seed }).files));
    console.log(`  costbot detect, seeds 1-${seeds} (mean ± sd):`);
    for (const key of ['all', 'half', 'family'] as const) {
      console.log(
        `    ${GENERALIZATION_LABELS[key].padEnd(56)} ${PROFILES.map((p) => meanSd(runs.map((r) => r[key][p]))).join(' ')}`,
      );
    }
    console.log(`    standard per seed, all files: ${runs.map((r) => r.all.standard.toFixed(2)).join(' ')}`);
    console.log(`    standard per seed, family out: ${runs.map((r) => r.family.standard.toFixed(2)).join(' ')}`);
  }
  if (flags['nab-only']) return;
  const variants: [string, DetectorOptions][] = [
    ['same, Liu et al. plain path scoring (rangeAware off)', { seed: 1, rangeAware: false }],
    ['same, forest = ml-isolation-forest, 256-row subsample/tree', { seed: 1, backend: mlIsolationForestSubsampled }],
  ];
  if (flags['with-as-is'])
    variants.push([
      'same, forest = ml-isolation-forest as-is (whole window)',
      { seed: 1, backend: mlIsolationForestAsIs },
    ]);
  for (const [label, options] of variants) {
    const run = runDetect(inputs, windows, options);
    console.log(row(label, scoreNabProfiles(run.files), `${run.timer}`));
  }
  console.log('  published detectors, same 17 files (standard profile):');
  for (const [name, score] of PUBLISHED) console.log(`    ${name.padEnd(56)} ${score.toFixed(1).padStart(7)}`);
}

/** The scoring job's window by default (ANOMALY_SCORE_DAYS). */
const SCORING_WINDOW_DAYS = 14;

async function dailyBenchmark(count: number, days: number): Promise<void> {
  const pool = await loadDailyPool(dir);
  console.log(
    `\nDaily cost series: ${count} series x ${days} days replayed from ${pool.length} real series (CUR scopes, Bitbrains VMs, NAB hourly)`,
  );
  const job = { timer: new Timer(), scored: 0, anomalies: 0 };
  const backtest = { timer: new Timer(), scored: 0, anomalies: 0 };
  for (let k = 0; k < count; k++) {
    const values = replaySeries(pool, k, days);
    // Start days spread over 100 days, so that the job's calendar grid of models (every 100 days)
    // falls at every place in the window, as it does over a season of nightly runs.
    const first = Date.UTC(2024, 0, 1) + (k % 100) * 86_400_000;
    const dayLabels = Array.from({ length: days }, (_, i) => msToDay(first + i * 86_400_000));
    const series = {
      key: `bench:${k}`,
      kind: 'total' as const,
      dimensions: {},
      days: dayLabels,
      values,
      gaps: dayLabels.filter((_, i) => Number.isNaN(values[i]!)),
    };
    const fromDay = dayLabels[days - SCORING_WINDOW_DAYS]!;
    // Interleaved, so that both figures see the same machine.
    for (const [run, options] of [
      [job, { fromDay }],
      [backtest, {}],
    ] as const) {
      const result = run.timer.time(() => detectCostAnomalies(series, options));
      run.anomalies += result.anomalies.length;
      if (result.status === 'scored') run.scored++;
    }
    if (k % 500 === 0) sampleMemory();
  }
  console.log(
    `  nightly scoring job: the newest ${SCORING_WINDOW_DAYS} days, by the models of the calendar grid that score them (training included)`,
  );
  console.log(
    `    ${job.scored} series scored, ${job.anomalies} anomalies reaching into the window: ${job.timer} (target < 60 s)`,
  );
  console.log(`  causal backtest of every day (the same models: day 90, then the 100-day calendar grid)`);
  console.log(`    ${backtest.scored} series scored, ${backtest.anomalies} anomalies: ${backtest.timer}`);
}

function vmHwm(): string {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM'));
  return line ? line.replace(/\s+/g, ' ') : 'VmHWM unavailable';
}

const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
console.log(`Machine probe: ${machineProbe()}; load average ${load} on ${availableParallelism()} cores\n`);
const windows = await readNabWindows(join(dir, 'nab-aws', 'windows.json'));
await checkScorer(windows);
await nabBenchmark(windows);
if (!flags['nab-only']) await dailyBenchmark(10_000, 400);
sampleMemory();
console.log(`\nPeak memory: rss ${(peakRss / 2 ** 20).toFixed(0)} MiB (sampled), ${vmHwm()}`);
