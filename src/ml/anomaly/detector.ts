/**
 * The anomaly detector: Isolation Forest on causal features, retrained on a trailing window,
 * calibrated against its own training rows, with repeat suppression. Scores are in [0, 1].
 *
 * Causal by construction: the score of step t comes from a model trained on steps before t (the
 * model in force was trained at the last retraining point r <= t on rows [r - trainingWindow, r))
 * and from features that read steps <= t only. Same code for the worker and the `detect` command.
 */
import { InsufficientDataError } from '../../errors.js';
import { detectorFeatures, windowsForStep, type SeriesWindows } from './features.js';
import {
  forestFromJson,
  forestToJson,
  isolationScores,
  trainAndScore,
  trainedScores,
  type IsolationForestJson,
  type IsolationForestOptions,
} from './isolation-forest.js';
import { lowerBound } from '../percentile.js';
import { deriveSeed } from '../prng.js';
import { fitCalibration, probabilityToScore, suppressRepeats, tailProbability } from './score-calibration.js';
import { DAY_MS } from '../../days.js';

/** Scores at or above this are alarms by default: tail probability 1e-3 or less. */
export const DEFAULT_ALARM_SCORE = 0.375;

/** Usable steps between retrainings by default. */
export const DEFAULT_RETRAIN_EVERY = 100;

/** A forest implementation (the benchmark swaps ours for ml-isolation-forest). */
export interface ForestBackend {
  name: string;
  /**
   * Trains on rows [start, end) of a row-major matrix; returns the raw scores of rows [start,
   * scoreEnd), the training rows' out of bag when `outOfBag` is set.
   */
  trainAndScore(
    data: Float64Array,
    d: number,
    start: number,
    end: number,
    scoreEnd: number,
    options: BackendOptions,
  ): Float64Array;
}

export type BackendOptions = IsolationForestOptions & { outOfBag: boolean };

export interface DetectorOptions {
  /** Seed of every forest (each retraining derives its own from it). @defaultValue 1 */
  seed?: number;
  /** @defaultValue 100 */
  trees?: number;
  /** Rows per tree, at most; never more than half the training rows. @defaultValue 256 */
  sampleSize?: number;
  /** Steps of history a model is trained (and calibrated) on. @defaultValue 3000 */
  trainingWindow?: number;
  /** Steps between retrainings. @defaultValue 100 */
  retrainEvery?: number;
  /** Usable steps needed before the first model; earlier steps score 0. @defaultValue 100 */
  minTrainingRows?: number;
  /**
   * A model is calibrated on out-of-bag scores (each training row scored only by the trees that
   * did not sample it, as a new row is) when a tree samples at most this share of its training
   * rows; otherwise by all trees. @defaultValue 0.25
   */
  outOfBagShare?: number;
  /** Share of top training scores the exponential tail is fitted to. @defaultValue 0.02 */
  tailFraction?: number;
  /** Steps a weaker repeat stays muted after a score; default 36 steps, at most 3 days. */
  cooldown?: number;
  /** How much a repeat within the cooldown must beat the recent maximum. @defaultValue 0.02 */
  repeatMargin?: number;
  /** Out-of-range isolation (see isolation-forest.ts). @defaultValue true */
  rangeAware?: boolean;
  /** Forest implementation; the default is ours. */
  backend?: ForestBackend;
}

type Settings = Required<Omit<DetectorOptions, 'backend' | 'cooldown'>> & { cooldown: number; backend: ForestBackend };

const seededIsolationForest: ForestBackend = {
  name: 'isolation-forest (seeded, range-aware)',
  trainAndScore(data, d, start, end, scoreEnd, options) {
    return trainedScores(data, d, start, end, { ...options, scoreEnd, rangeAware: true });
  },
};

const plainBackend: ForestBackend = {
  name: 'isolation-forest (seeded, Liu et al. scoring)',
  trainAndScore(data, d, start, end, scoreEnd, options) {
    return trainedScores(data, d, start, end, { ...options, scoreEnd, rangeAware: false });
  },
};

function settings(windows: SeriesWindows, options: DetectorOptions): Settings {
  const rangeAware = options.rangeAware ?? true;
  return {
    seed: options.seed ?? 1,
    trees: options.trees ?? 100,
    sampleSize: options.sampleSize ?? 256,
    trainingWindow: options.trainingWindow ?? 3000,
    retrainEvery: options.retrainEvery ?? DEFAULT_RETRAIN_EVERY,
    minTrainingRows: options.minTrainingRows ?? 100,
    outOfBagShare: options.outOfBagShare ?? 0.25,
    tailFraction: options.tailFraction ?? 0.02,
    cooldown: options.cooldown ?? Math.min(36, Math.round((3 * DAY_MS) / windows.stepMs)),
    repeatMargin: options.repeatMargin ?? 0.02,
    rangeAware,
    backend: options.backend ?? (rangeAware ? seededIsolationForest : plainBackend),
  };
}

/**
 * Rows per tree: `sampleSize`, but at most half the training rows, so that the trees still see
 * different samples on a short history (a daily series of a few hundred days).
 */
function sampleSizeFor(rows: number, s: Settings): number {
  return Math.min(s.sampleSize, Math.max(2, Math.floor(rows / 2)));
}

/**
 * Out-of-bag calibration where each row is out of bag for most trees (a long series: 256 of
 * 3,000 rows per tree). On a short series half the rows per tree would leave about half the trees
 * per calibration score, whose wider spread makes new rows' tail probabilities too conservative.
 */
function outOfBag(sampleSize: number, rows: number, s: Settings): boolean {
  return sampleSize <= s.outOfBagShare * rows;
}

/** The usable rows (no NaN feature) packed together, with their original indices. */
interface Packed {
  data: Float64Array;
  d: number;
  index: Int32Array;
  names: string[];
}

function packFeatures(values: ArrayLike<number>, windows: SeriesWindows): Packed {
  const fm = detectorFeatures(values, windows);
  const d = fm.names.length;
  const keep: number[] = [];
  for (let t = 0; t < fm.rows; t++) {
    let ok = true;
    for (let k = 0; k < d; k++) if (!Number.isFinite(fm.data[t * d + k]!)) ok = false;
    if (ok) keep.push(t);
  }
  if (keep.length === fm.rows) return { data: fm.data, d, index: Int32Array.from(keep), names: fm.names };
  const data = new Float64Array(keep.length * d);
  keep.forEach((t, j) => data.set(fm.data.subarray(t * d, t * d + d), j * d));
  return { data, d, index: Int32Array.from(keep), names: fm.names };
}

/** Per-step output of a causal run. */
export interface SeriesScores {
  /** Final scores in [0, 1] after repeat suppression; NaN on gaps; 0 before the first model. */
  scores: Float64Array;
  /** Scores before repeat suppression. */
  unsuppressed: Float64Array;
  /** Tail probability of each step under the model in force (1 before the first model, NaN on gaps). */
  pValues: Float64Array;
  /** Raw Isolation Forest score (NaN where no model scored the step). */
  raw: Float64Array;
  /** Step indices where a model was (re)trained. */
  retrainedAt: number[];
  /** Step indices of every retraining point of the full run (a window trains only some). */
  schedule: number[];
  features: string[];
  windows: SeriesWindows;
}

/**
 * Where a run retrains and what it scores. By default models are trained at `minTrainingRows`
 * usable steps and every `retrainEvery` usable steps after, each on the `trainingWindow` usable
 * steps before it. With a window, the models after the first sit on a grid of `retrainEvery` steps
 * through step `anchor` and train on the steps of the `trainingWindow` steps before them (steps,
 * not usable steps: a gap moves nothing), and only the models that score a step at or after
 * `from` are trained: the steps of the others stay unscored (NaN), every other score is what the
 * full run with the same window gives.
 */
export interface ScoringWindow {
  /** A grid step; may lie before the series (negative). */
  anchor: number;
  from: number;
  /**
   * Absolute position of step 0 (e.g. its day number). The seed of every model after the first
   * then follows the absolute step it is trained at, so a series loaded from a later start
   * retrains the same model.
   */
  origin: number;
}

/**
 * Retraining points (usable-row indices): the first at `minTrainingRows` usable steps, then every
 * `retrainEvery` usable steps; with a window, every `retrainEvery` steps on the grid through
 * `window.anchor`, each at the first usable step on or after its grid step, so that a gap does not
 * move the models after it.
 */
function retrainingPoints(index: Int32Array, s: Settings, window?: ScoringWindow): number[] {
  const usable = index.length;
  if (usable <= s.minTrainingRows) return [];
  const points = [s.minTrainingRows];
  if (!window) {
    for (let j = s.minTrainingRows + s.retrainEvery; j < usable; j += s.retrainEvery) points.push(j);
    return points;
  }
  const firstStep = index[s.minTrainingRows]!;
  let step = window.anchor - s.retrainEvery * Math.floor((window.anchor - firstStep) / s.retrainEvery);
  if (step <= firstStep) step += s.retrainEvery;
  for (; step <= index[usable - 1]!; step += s.retrainEvery) {
    const j = lowerBound(index, step);
    if (j > points[points.length - 1]!) points.push(j);
  }
  return points;
}

/**
 * Causal anomaly scores of a regular series (NaN marks a missing step), retraining every
 * `retrainEvery` usable steps on the trailing `trainingWindow` usable steps.
 */
export function scoreSeries(
  values: ArrayLike<number>,
  stepMs: number,
  options: DetectorOptions = {},
  window?: ScoringWindow,
): SeriesScores {
  const windows = windowsForStep(stepMs);
  const s = settings(windows, options);
  const packed = packFeatures(values, windows);
  const n = values.length;
  const usable = packed.index.length;
  const raw = new Float64Array(n).fill(Number.NaN);
  const pValues = new Float64Array(n).fill(Number.NaN);
  const unsuppressed = new Float64Array(n).fill(Number.NaN);
  for (let j = 0; j < Math.min(usable, s.minTrainingRows); j++) {
    pValues[packed.index[j]!] = 1;
    unsuppressed[packed.index[j]!] = 0;
  }
  const fromRow = window ? lowerBound(packed.index, window.from) : 0;
  const points = retrainingPoints(packed.index, s, window);
  const retrainedAt: number[] = [];
  points.forEach((j, k) => {
    // The model trained on rows [start, j) scores rows j..next-1; its training rows calibrate it.
    const next = points[k + 1] ?? usable;
    if (next <= fromRow) return;
    const start = window
      ? lowerBound(packed.index, packed.index[j]! - s.trainingWindow)
      : Math.max(0, j - s.trainingWindow);
    // The seed follows the model's place in the schedule; with a window, a model after the first
    // (which sits at minTrainingRows from the start) is seeded by its absolute step instead, so
    // that a history loaded from a later start retrains it the same. A partial run matches the
    // full one either way.
    const seed = deriveSeed(s.seed, window && k > 0 ? window.origin + packed.index[j]! : k);
    const sampleSize = sampleSizeFor(j - start, s);
    const options = { trees: s.trees, sampleSize, seed, outOfBag: outOfBag(sampleSize, j - start, s) };
    const scored = s.backend.trainAndScore(packed.data, packed.d, start, j, next, options);
    const cal = fitCalibration(scored.subarray(0, j - start), s.tailFraction);
    for (let i = j; i < next; i++) {
      const t = packed.index[i]!;
      raw[t] = scored[i - start]!;
      pValues[t] = tailProbability(cal, raw[t]!);
      unsuppressed[t] = probabilityToScore(pValues[t]!);
    }
    retrainedAt.push(packed.index[j]!);
  });
  const scores = suppressRepeats(unsuppressed, { cooldown: s.cooldown, margin: s.repeatMargin });
  const schedule = points.map((j) => packed.index[j]!);
  return { scores, unsuppressed, pValues, raw, retrainedAt, schedule, features: packed.names, windows };
}

/** A trained model version: plain JSON, enough to score new steps without retraining. */
export interface DetectorModel {
  format: 'costbot-isolation-forest/1';
  features: string[];
  windows: SeriesWindows;
  options: Omit<Settings, 'backend' | 'retrainEvery' | 'minTrainingRows'>;
  /** Training rows, as step indices of the series it was trained on: [firstRow, endRow). */
  training: { firstRow: number; endRow: number; rows: number };
  forest: IsolationForestJson;
  /** Raw scores of the training rows, ascending (the calibration set). */
  calibration: number[];
}

/** What a training run reports with its model (stored beside the version). */
export interface DetectorMetrics {
  rows: number;
  gaps: number;
  trainingRows: number;
  /** Raw training score quantiles. */
  scoreDistribution: { p50: number; p90: number; p99: number; max: number };
  /** Causal run of the same settings over the whole series. */
  backtest: { scoredRows: number; alarms: number; alarmScore: number; maxScore: number; retrainings: number };
}

function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Trains one model on the trailing window that ends at the last step (the worker's training job)
 * and backtests the same settings causally over the whole series.
 */
export function trainDetector(
  values: ArrayLike<number>,
  stepMs: number,
  options: DetectorOptions = {},
): { model: DetectorModel; metrics: DetectorMetrics } {
  const windows = windowsForStep(stepMs);
  const s = settings(windows, options);
  const packed = packFeatures(values, windows);
  const usable = packed.index.length;
  if (usable < s.minTrainingRows) {
    throw new InsufficientDataError(
      `${usable} usable steps; the detector needs at least ${s.minTrainingRows} to train`,
    );
  }
  const start = Math.max(0, usable - s.trainingWindow);
  const sampleSize = sampleSizeFor(usable - start, s);
  const { forest, scores } = trainAndScore(packed.data, packed.d, start, usable, {
    trees: s.trees,
    sampleSize,
    seed: s.seed,
    scoreEnd: usable,
    rangeAware: s.rangeAware,
    outOfBag: outOfBag(sampleSize, usable - start, s),
  });
  const cal = fitCalibration(scores, s.tailFraction);
  const run = scoreSeries(values, stepMs, options);
  let scored = 0;
  let alarms = 0;
  let maxScore = 0;
  run.scores.forEach((v, t) => {
    if (Number.isNaN(run.raw[t]!)) return;
    scored++;
    if (v >= DEFAULT_ALARM_SCORE) alarms++;
    maxScore = Math.max(maxScore, v);
  });
  const { backend: _backend, retrainEvery: _r, minTrainingRows: _m, ...kept } = s;
  return {
    model: {
      format: 'costbot-isolation-forest/1',
      features: packed.names,
      windows,
      options: kept,
      training: { firstRow: packed.index[start]!, endRow: packed.index[usable - 1]! + 1, rows: usable - start },
      forest: forestToJson(forest),
      calibration: Array.from(cal.sorted),
    },
    metrics: {
      rows: values.length,
      gaps: values.length - usable,
      trainingRows: usable - start,
      scoreDistribution: {
        p50: quantile(cal.sorted, 0.5),
        p90: quantile(cal.sorted, 0.9),
        p99: quantile(cal.sorted, 0.99),
        max: cal.sorted[cal.sorted.length - 1]!,
      },
      backtest: {
        scoredRows: scored,
        alarms,
        alarmScore: DEFAULT_ALARM_SCORE,
        maxScore,
        retrainings: run.retrainedAt.length,
      },
    },
  };
}

/**
 * Scores steps [fromIndex, n) of a series with a stored model (no retraining): the scoring job's
 * path for the newest days. The series must include the history the features need (at least
 * `windows.long` and one season before fromIndex) and the cooldown before it.
 */
export function scoreWithModel(model: DetectorModel, values: ArrayLike<number>, fromIndex: number): Float64Array {
  const packed = packFeatures(values, model.windows);
  const forest = forestFromJson(model.forest);
  const cal = fitCalibration(model.calibration, model.options.tailFraction);
  const first = Math.max(0, fromIndex - model.options.cooldown);
  const unsuppressed = new Float64Array(values.length - first).fill(Number.NaN);
  let j0 = 0;
  while (j0 < packed.index.length && packed.index[j0]! < first) j0++;
  const raw = isolationScores(forest, packed.data, j0, packed.index.length, model.options.rangeAware);
  raw.forEach((r, k) => {
    unsuppressed[packed.index[j0 + k]! - first] = probabilityToScore(tailProbability(cal, r));
  });
  const scores = suppressRepeats(unsuppressed, {
    cooldown: model.options.cooldown,
    margin: model.options.repeatMargin,
  });
  return scores.subarray(fromIndex - first);
}
