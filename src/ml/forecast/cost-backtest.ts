import { zForLevel } from './math.js';

/**
 * Rolling-origin backtest of daily cost forecasters on one scope's own history (data before each
 * origin only), scored on block totals: the error measure that a monthly budget feels.
 */

/** A daily forecaster: history (daily grid, NaN = missing) in, the next `horizon` days out; null when it cannot run. */
export type DailyMethod = (y: readonly number[], firstTime: number, horizon: number) => number[] | null;

/** Origins every week, newest first, at most two years of them (with one year 48 % of the Wikipedia months fell inside the 80 % band, with two 62 %). */
const ORIGIN_SPACING = 7;
const MAX_ORIGINS = 104;
/** Blocks of the backtest: 30-day "months", 3 of them ahead (the horizon that budgets use). */
const MONTH_DAYS = 30;
const MONTH_BLOCKS = 3;
/** With fewer month blocks than this the intervals are calibrated on 7-day blocks instead. */
const MIN_MONTH_SCORES = 8;
/** A block counts when at least this share of its days is observed. */
const MIN_OBSERVED_SHARE = 0.8;
/** The shortest history an origin may have (the run rate needs 3 weeks to see every weekday). */
export const MIN_TRAIN_DAYS = 21;

/**
 * How a block's relative error is expected to scale: it grows with the distance to the block's
 * middle (level errors persist and add up like a random walk, hence the square root) and is larger
 * for short blocks (day-to-day noise averages out less). Scores are errors divided by this, so
 * that blocks of any length and distance calibrate one multiplier.
 */
export function spreadNorm(midDistanceDays: number, blockDays: number): number {
  return Math.sqrt(0.5 + midDistanceDays / MONTH_DAYS) * Math.pow(MONTH_DAYS / Math.max(blockDays, 7.5), 0.25);
}

export interface BlockError {
  origin: number;
  block: number;
  forecast: number;
  actual: number;
}

export interface MethodBacktest {
  /** Σ|forecast − actual| / Σ actual over the 30-day blocks (NaN when there are none). */
  scaledError: number;
  blocks: number;
}

/** The backtest of one method: its month-block errors and the normalised scores that calibrate intervals. */
export interface CostBacktest {
  origins: number[];
  byMethod: Record<string, MethodBacktest>;
  /** Signed relative errors of block totals ((actual − forecast) / forecast) / spreadNorm. */
  monthScores: number[];
  /** "30-day" or "7-day": the blocks the month scores come from. */
  monthScoreBlocks: 30 | 7;
  /** Signed relative errors of single days / spreadNorm(h + 0.5, 1). */
  dayScores: number[];
}

/** Origins (history lengths) of the backtest: every 7 days back from the end, newest first. */
export function backtestOrigins(n: number): number[] {
  const out: number[] = [];
  for (let o = n - ORIGIN_SPACING; o >= MIN_TRAIN_DAYS && out.length < MAX_ORIGINS; o -= ORIGIN_SPACING) out.push(o);
  return out;
}

function blockErrors(
  y: readonly number[],
  origin: number,
  f: readonly number[],
  length: number,
  count: number,
): BlockError[] {
  const out: BlockError[] = [];
  for (let b = 0; b < count && origin + (b + 1) * length <= y.length; b++) {
    let forecast = 0;
    let actual = 0;
    let observed = 0;
    for (let d = b * length; d < (b + 1) * length; d++) {
      const a = y[origin + d]!;
      if (!Number.isFinite(a)) continue;
      actual += a;
      forecast += f[d]!;
      observed++;
    }
    if (observed >= MIN_OBSERVED_SHARE * length) out.push({ origin, block: b, forecast, actual });
  }
  return out;
}

/** Scaled error of each method over the origins where every method could run (a fair comparison). */
export function compareMethods(
  y: readonly number[],
  firstTime: number,
  methods: Record<string, DailyMethod>,
): { origins: number[]; byMethod: Record<string, MethodBacktest>; forecasts: Map<string, Map<number, number[]>> } {
  const horizon = MONTH_DAYS * MONTH_BLOCKS;
  const forecasts = new Map<string, Map<number, number[]>>();
  const origins: number[] = [];
  for (const o of backtestOrigins(y.length)) {
    const train = y.slice(0, o);
    const runs = Object.entries(methods).map(([name, m]) => [name, m(train, firstTime, horizon)] as const);
    if (runs.some(([, f]) => f === null)) continue;
    origins.push(o);
    for (const [name, f] of runs) {
      if (!forecasts.has(name)) forecasts.set(name, new Map());
      forecasts.get(name)!.set(o, f!);
    }
  }
  const byMethod: Record<string, MethodBacktest> = {};
  for (const name of Object.keys(methods)) {
    const blocks = origins.flatMap((o) => blockErrors(y, o, forecasts.get(name)!.get(o)!, MONTH_DAYS, MONTH_BLOCKS));
    const err = blocks.reduce((s, b) => s + Math.abs(b.forecast - b.actual), 0);
    const act = blocks.reduce((s, b) => s + b.actual, 0);
    byMethod[name] = { scaledError: act > 0 ? err / act : NaN, blocks: blocks.length };
  }
  return { origins, byMethod, forecasts };
}

/**
 * The chosen method's calibration scores: month blocks (30 days, up to 3 ahead), or 7-day blocks
 * when the history holds too few months; and single days for the daily bands. Errors are relative
 * (linear, so a band grows with the square root of the distance and never exponentially);
 * `offset` (1 % of the mean day) keeps them finite on zero forecasts.
 */
export function calibrationScores(
  y: readonly number[],
  forecasts: ReadonlyMap<number, readonly number[]>,
  offset: number,
): Pick<CostBacktest, 'monthScores' | 'monthScoreBlocks' | 'dayScores'> {
  const score = (blocks: BlockError[], length: number) =>
    blocks.map(
      (b) =>
        (b.actual - b.forecast) / (b.forecast + offset * length) / spreadNorm(b.block * length + length / 2, length),
    );
  const entries = [...forecasts.entries()];
  let monthScores = score(
    entries.flatMap(([o, f]) => blockErrors(y, o, f, MONTH_DAYS, MONTH_BLOCKS)),
    MONTH_DAYS,
  );
  let monthScoreBlocks: 30 | 7 = 30;
  if (monthScores.length < MIN_MONTH_SCORES) {
    const weeks = Math.floor((MONTH_DAYS * MONTH_BLOCKS) / 7);
    const weekScores = score(
      entries.flatMap(([o, f]) => blockErrors(y, o, f, 7, weeks)),
      7,
    );
    if (weekScores.length > monthScores.length) [monthScores, monthScoreBlocks] = [weekScores, 7];
  }
  const dayScores: number[] = [];
  for (const [o, f] of entries) {
    for (let h = 0; h < f.length && o + h < y.length; h++) {
      const a = y[o + h]!;
      if (Number.isFinite(a)) dayScores.push((a - f[h]!) / (f[h]! + offset) / spreadNorm(h + 0.5, 1));
    }
  }
  return { monthScores, monthScoreBlocks, dayScores };
}

/** Scores below this many are too few for rank quantiles: a normal band on each side's RMS, widened. */
const MIN_RANK_SCORES = 20;

function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * The two sides of a central interval at `level` (0..1), as multiples of the spread, from signed
 * relative errors: past errors are often one-sided (a service switched off errs downwards only),
 * so each side comes from its own tail. With 20 or more scores, the (1 ± level)/2 quantiles of the
 * scores (past the most extreme one, extrapolated with the normal tail); with fewer, z times each
 * side's RMS (its squared errors over half the scores), widened by (1 + 2/N) for the few errors
 * seen. [down, up], both >= 0 so the point stays inside; [0, 0] without scores.
 */
export function sideMultipliers(scores: readonly number[], level: number): [number, number] {
  const n = scores.length;
  if (n === 0) return [0, 0];
  if (n < MIN_RANK_SCORES) {
    const side = (sign: 1 | -1) =>
      zForLevel(level) * Math.sqrt((2 * scores.reduce((s, x) => (sign * x > 0 ? s + x * x : s), 0)) / n) * (1 + 2 / n);
    return [side(-1), side(1)];
  }
  const sorted = [...scores].sort((a, b) => a - b);
  const resolvable = n / (n + 1);
  const tail = (q: number) => {
    if (q <= resolvable && q >= 1 - resolvable) return quantileSorted(sorted, q);
    const edge = q > 0.5 ? sorted[n - 1]! : sorted[0]!;
    return (edge * zForLevel(2 * Math.abs(q - 0.5))) / zForLevel(2 * (resolvable - 0.5));
  };
  return [Math.max(-tail((1 - level) / 2), 0), Math.max(tail((1 + level) / 2), 0)];
}
