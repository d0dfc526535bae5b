import { InputError } from '../../errors.js';
import { DAY_MS } from '../../days.js';
import { runRateForecast, yearOverYearForecast } from './baselines.js';
import {
  calibrationScores,
  compareMethods,
  sideMultipliers,
  spreadNorm,
  type CostBacktest,
  type DailyMethod,
} from './cost-backtest.js';
import { checkHistory, toGrid, type GridSeries } from './prepare.js';
import { costMonths, forecastPartBand, type CostMonth } from './cost-months.js';
import type { SeriesInput } from './types.js';

export type { CostMonth } from './cost-months.js';

/** A scope's daily cost, and which part of it is recurring fees and one-time purchases. */
export interface CostSeriesInput {
  /** Daily cost of the scope, every charge kind (the figure a bill shows). */
  total: SeriesInput;
  /** The recurring fees inside `total` (RI and Savings Plan fees, support, subscriptions), on their days. */
  recurring?: SeriesInput;
  /** One-time purchases inside `total` (upfront fees): not repeated in the forecast. */
  oneTime?: SeriesInput;
}

export type CostMethod = 'run-rate' | 'year-over-year' | 'blend' | 'zero';

/** One forecast day: usage forecast plus the recurring fees due that day, with 80 % and 95 % bands. */
export interface CostDay {
  time: number;
  yhat: number;
  recurring: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface CostForecast {
  days: CostDay[];
  /** Every calendar month the forecast days touch, the current one with its month-to-date actual. */
  months: CostMonth[];
  method: CostMethod;
  /** e.g. "damped run-rate with weekly pattern". */
  methodLabel: string;
  /** Why this method, in a sentence a FinOps lead can read. */
  methodReason: string;
  backtest: { origins: number; byMethod: CostBacktest['byMethod']; calibratedOn: string } | null;
  /** Largest calendar month of the history (a partial one at its daily rate): the bound (x10) no figure may pass. */
  largestMonth: number;
  /** Recurring fees repeated each month, by day of month, and their monthly sum. */
  recurring: { perMonth: number; byDayOfMonth: Record<number, number> };
  history: { from: number; to: number; observedDays: number; missingDays: number };
  confidence: 'normal' | 'low';
  /** Why confidence is low: the history's reasons, then the horizon's (horizonReasons). */
  confidenceReasons: string[];
  /** The history's reasons alone, for a caller that cuts the forecast to shorter horizons. */
  historyReasons: string[];
  warnings: string[];
  /** Calibration kept so that other interval levels can be derived (monthBandAt). */
  calibration: { monthScores: number[]; dayScores: number[]; offset: number };
  /** The bound of a single day: 10x the largest day seen. */
  dayCap: number;
}

/**
 * Each day's band at `level` (0..1): recurring fees as known, usage times (1 − down·s) to
 * (1 + up·s), s growing with the square root of the distance (spreadNorm), from the backtest's
 * relative day errors; capped at 10x the largest day seen. [lower, upper] per day.
 */
export function dayBands(
  days: readonly { yhat: number; recurring: number }[],
  dayScores: readonly number[],
  offset: number,
  dayCap: number,
  level: number,
): [number, number][] {
  const [down, up] = sideMultipliers(dayScores, level);
  return days.map((d, h) => {
    const usage = d.yhat - d.recurring;
    const s = spreadNorm(h + 0.5, 1);
    const at = (k: number) => Math.min(d.recurring + Math.max(usage + (usage + offset) * k * s, 0), dayCap);
    return [at(-down), at(up)];
  });
}

/** A forecast's days and months at another interval level (the command line's --level). */
export function costBandsAt(
  f: CostForecast,
  levelPercent: number,
): { days: [number, number][]; months: [number, number][] } {
  if (!(levelPercent > 0 && levelPercent < 100)) {
    throw new RangeError(`interval level must be between 0 and 100 (exclusive), got ${levelPercent}`);
  }
  const level = levelPercent / 100;
  const { dayScores, monthScores, offset } = f.calibration;
  return {
    days: dayBands(f.days, dayScores, offset, f.dayCap, level),
    months: f.months.map((m) => forecastPartBand(m, monthScores, offset, level)),
  };
}

/** History a trained comparison needs: the seed's minimum, 12 months. */
const TRAINED_MIN_DAYS = 365;
/** A scope with no spend on its last 14 days is forecast at zero. */
const ZERO_RUN_DAYS = 14;
/** Recurring fees seen in the last 31 days repeat on their day of the month. */
const RECURRING_LOOKBACK_DAYS = 31;
/** No figure is allowed above this multiple of the largest month seen. */
export const BOUND_MULTIPLE = 10;

const LABELS: Record<CostMethod, string> = {
  'run-rate': 'damped run-rate with weekly pattern',
  'year-over-year': "year over year (last year's same days scaled by recent growth)",
  blend: 'blend of the damped run-rate and year over year',
  zero: 'zero (no recent spend)',
};

const METHODS: Record<Exclude<CostMethod, 'zero'>, DailyMethod> = {
  'run-rate': runRateForecast,
  'year-over-year': (y, _t, h) => yearOverYearForecast(y, h),
  blend: (y, t, h) => {
    const yoy = yearOverYearForecast(y, h);
    return yoy === null ? null : runRateForecast(y, t, h).map((r, i) => (r + yoy[i]!) / 2);
  },
};

function aligned(grid: GridSeries, part: SeriesInput | undefined): number[] {
  const out = new Array<number>(grid.times.length).fill(0);
  if (!part) return out;
  const start = grid.times[0]!;
  part.times.forEach((t, i) => {
    const idx = (t - start) / DAY_MS;
    if (Number.isInteger(idx) && idx >= 0 && idx < out.length && Number.isFinite(part.values[i]!)) {
      out[idx] = (out[idx] ?? 0) + part.values[i]!;
    }
  });
  return out;
}

function dayOfMonth(t: number): number {
  return new Date(t).getUTCDate();
}

/** Recurring fees of the last 31 days by day of month: they fall on the same day next month. */
function recurringTemplate(grid: GridSeries, recurring: readonly number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (let i = Math.max(0, grid.times.length - RECURRING_LOOKBACK_DAYS); i < grid.times.length; i++) {
    if (recurring[i]! !== 0) out[dayOfMonth(grid.times[i]!)] = recurring[i]!;
  }
  return out;
}

/** The fee due on day `t`: its day of month, and on a month's last day the days the month lacks (29-31). */
function recurringOn(template: Record<number, number>, t: number): number {
  const d = new Date(t);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  const dom = d.getUTCDate();
  let sum = template[dom] ?? 0;
  if (dom === last) for (let extra = last + 1; extra <= 31; extra++) sum += template[extra] ?? 0;
  return sum;
}

/**
 * The largest calendar month of the history: a month seen only in part counts at its daily rate
 * times its length (with at least a week seen), so a short history still has a bound.
 */
function largestMonthSeen(grid: GridSeries): number {
  const months = new Map<string, { sum: number; days: number; length: number }>();
  grid.times.forEach((t, i) => {
    const v = grid.values[i]!;
    if (!Number.isFinite(v)) return;
    const d = new Date(t);
    const key = `${d.getUTCFullYear()}-${d.getUTCMonth()}`;
    const m = months.get(key) ?? {
      sum: 0,
      days: 0,
      length: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
    };
    m.sum += v;
    m.days++;
    months.set(key, m);
  });
  const seen = [...months.values()].filter((m) => m.days >= 7 || months.size === 1);
  return Math.max(0, ...seen.map((m) => (m.sum / m.days) * m.length));
}

/**
 * Interval calibration pools the backtest errors of every candidate method, not only the chosen
 * one: the chosen method is the one that happened to err least on these same origins, so its own
 * errors alone understate the next months' (on the Wikipedia tuning origins they covered ~45 % of
 * months at 80 %, pooled ~56 %).
 */
function calibrate(
  usage: readonly number[],
  forecasts: ReadonlyMap<string, ReadonlyMap<number, readonly number[]>>,
  chosen: string,
  offset: number,
): ReturnType<typeof calibrationScores> {
  const own = calibrationScores(usage, forecasts.get(chosen)!, offset);
  const others = [...forecasts.entries()]
    .filter(([m]) => m !== chosen)
    .map(([, f]) => calibrationScores(usage, f, offset))
    .filter((o) => o.monthScoreBlocks === own.monthScoreBlocks);
  return { ...own, monthScores: [...own.monthScores, ...others.flatMap((o) => o.monthScores)] };
}

interface Choice {
  method: CostMethod;
  reason: string;
  backtest: ReturnType<typeof compareMethods> | null;
}

function chooseMethod(usage: readonly number[], firstTime: number): Choice {
  const n = usage.length;
  const tail = usage.slice(-ZERO_RUN_DAYS).filter(Number.isFinite);
  if (n >= ZERO_RUN_DAYS && tail.length > 0 && tail.every((v) => v === 0)) {
    return { method: 'zero', reason: `no usage on the last ${ZERO_RUN_DAYS} days: forecast at $0`, backtest: null };
  }
  if (n < TRAINED_MIN_DAYS) {
    return {
      method: 'run-rate',
      reason: `${n} days of history, under the 12 months a year-over-year or trained model needs`,
      backtest: compareMethods(usage, firstTime, { 'run-rate': METHODS['run-rate'] }),
    };
  }
  const bt = compareMethods(usage, firstTime, METHODS);
  const ranked = (Object.keys(METHODS) as (keyof typeof METHODS)[])
    .filter((m) => Number.isFinite(bt.byMethod[m]!.scaledError))
    .sort((a, b) => bt.byMethod[a]!.scaledError - bt.byMethod[b]!.scaledError);
  if (ranked.length === 0 || bt.origins.length === 0) {
    return {
      method: 'run-rate',
      reason: 'too few past months with last year to compare against: the run rate is the safe choice',
      backtest: compareMethods(usage, firstTime, { 'run-rate': METHODS['run-rate'] }),
    };
  }
  const best = ranked[0]!;
  const figures = ranked.map((m) => `${m} ${bt.byMethod[m]!.scaledError.toFixed(3)}`).join(', ');
  return {
    method: best,
    reason: `lowest error on this scope's own backtest of 30-day totals (${bt.origins.length} weekly origins; scaled error ${figures})`,
    backtest: bt,
  };
}

/**
 * Why a horizon of `horizonDays` is a stretch for `historyDays` of history: a 12-month horizon
 * ("12 months" from a day is 334 to 365 days) on under a year, or any horizon longer than the history.
 */
export function horizonReasons(historyDays: number, horizonDays: number): string[] {
  if (horizonDays >= TRAINED_MIN_DAYS - 31 && historyDays < TRAINED_MIN_DAYS) {
    return [`${historyDays} days of history, under 12 months: a 12-month forecast has not seen a full year`];
  }
  if (horizonDays > historyDays) {
    return [`the horizon (${horizonDays} days) is longer than the history (${historyDays} days)`];
  }
  return [];
}

/**
 * Daily cost forecast of one scope for `horizon` days after its last day, coherent at every
 * granularity: recurring fees repeat on their day of the month, usage is forecast by the method
 * that did best on the scope's own rolling backtest (the damped run-rate under 12 months of
 * history), month totals are the sums of the days (plus the month-to-date actual), and every
 * interval comes from that backtest's errors, nested, never below zero, bounded by 10x the
 * largest month seen.
 */
export function forecastCost(input: CostSeriesInput, horizon: number): CostForecast {
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new InputError(`horizon must be a whole number of days >= 1, got ${horizon}`);
  }
  const grid = toGrid(input.total);
  if (grid.stepMs !== DAY_MS) {
    throw new InputError(
      `a cost forecast needs a daily series; this one has a step of ${grid.stepMs / 3_600_000} hour(s)`,
    );
  }
  checkHistory(grid, 7);
  const recurring = aligned(grid, input.recurring);
  const oneTime = aligned(grid, input.oneTime);
  const usage = grid.values.map((v, i) => (Number.isFinite(v) ? Math.max(v - recurring[i]! - oneTime[i]!, 0) : NaN));
  const firstTime = grid.times[0]!;
  const choice = chooseMethod(usage, firstTime);
  const meanDay = usage.filter(Number.isFinite).reduce((a, b) => a + b, 0) / Math.max(grid.observed, 1);
  const offset = Math.max(0.01 * meanDay, 1e-9);
  const usageForecast =
    choice.method === 'zero' ? new Array<number>(horizon).fill(0) : METHODS[choice.method](usage, firstTime, horizon)!;
  const scores =
    choice.backtest && choice.method !== 'zero'
      ? calibrate(usage, choice.backtest.forecasts, choice.method, offset)
      : { monthScores: [], monthScoreBlocks: 30 as const, dayScores: [] };
  const template = recurringTemplate(grid, recurring);
  const largestMonth = largestMonthSeen(grid);
  const last = grid.times[grid.times.length - 1]!;
  const dayCap = BOUND_MULTIPLE * Math.max(...grid.values.filter(Number.isFinite));
  const points = usageForecast.map((u, h) => {
    const time = last + (h + 1) * DAY_MS;
    const fee = recurringOn(template, time);
    return { time, yhat: Math.min(u + fee, dayCap), recurring: fee };
  });
  const bandsAt = (level: number) => dayBands(points, scores.dayScores, offset, dayCap, level);
  const [b80, b95] = [bandsAt(0.8), bandsAt(0.95)];
  const days: CostDay[] = points.map((p, h) => ({
    ...p,
    lower80: b80[h]![0],
    upper80: b80[h]![1],
    lower95: b95[h]![0],
    upper95: b95[h]![1],
  }));
  const warnings: string[] = [];
  const reasons: string[] = [];
  const missing = grid.times.length - grid.observed;
  if (missing > 0) warnings.push(`${missing} missing day(s) in the history: left out, never read as zero`);
  if (oneTime.some((v) => v !== 0)) {
    warnings.push('one-time purchases (upfront fees) in the history are not repeated in the forecast');
  }
  const historyDays = grid.times.length;
  if (missing / historyDays > 0.2)
    reasons.push(`${Math.round((missing / historyDays) * 100)} % of the history is missing`);
  if (choice.method !== 'zero' && scores.monthScores.length < 8) {
    reasons.push(
      `intervals calibrated on only ${scores.monthScores.length} past ${scores.monthScoreBlocks}-day error(s) of this scope`,
    );
  }
  const calibration = { monthScores: scores.monthScores, dayScores: scores.dayScores, offset };
  const months = costMonths({ grid, days, calibration, cap: BOUND_MULTIPLE * largestMonth });
  return {
    days,
    months,
    method: choice.method,
    methodLabel: LABELS[choice.method],
    methodReason: choice.reason,
    backtest: choice.backtest
      ? {
          origins: choice.backtest.origins.length,
          byMethod: choice.backtest.byMethod,
          calibratedOn: `${scores.monthScores.length} past ${scores.monthScoreBlocks}-day totals`,
        }
      : null,
    largestMonth,
    recurring: {
      perMonth: Object.values(template).reduce((a, b) => a + b, 0),
      byDayOfMonth: template,
    },
    history: { from: firstTime, to: last, observedDays: grid.observed, missingDays: missing },
    confidence: reasons.length > 0 || horizonReasons(historyDays, horizon).length > 0 ? 'low' : 'normal',
    confidenceReasons: [...reasons, ...horizonReasons(historyDays, horizon)],
    historyReasons: reasons,
    warnings,
    calibration,
    dayCap,
  };
}
