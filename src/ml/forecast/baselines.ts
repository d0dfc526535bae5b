import { interpolateGaps } from './math.js';
import { DAY_MS } from '../../days.js';

/**
 * The two daily cost forecasters that month totals are judged against, and that the forecast
 * uses itself when no trained model beats them. Both work on a daily grid (NaN = missing day) and
 * return the forecast of the `horizon` days after its last day, in the series' units.
 */

/** The run rate is the mean of the last 4 weeks, the weekly pattern is read over the last 8. */
export const RUN_RATE_DAYS = 28;
const PATTERN_DAYS = 56;
/** A lag of 52 weeks keeps weekdays aligned with last year. */
export const YEAR_LAG_DAYS = 364;
/**
 * A last week this far from the 4-week mean moved the level. At 0.5 it leaves the Wikipedia months
 * unchanged (scaled error 0.162) and cuts the CUR total's from 1.53 to 0.94 (0.3 gave 0.175/0.94).
 */
const STEP_SHARE = 0.5;
/** Growth between the two windows is capped at ±50 % a month: a step change is not a trend. */
const MAX_MONTHLY_GROWTH = 0.5;
/** Last year's figures are scaled by recent growth, capped so that one odd month cannot run away. */
/**
 * Last year's figures are scaled by the growth of the last 13 weeks over the same weeks a year
 * earlier: on the Wikipedia tuning origins (bench/forecast-monthly.ts --split tune) 91 days beat
 * 28 and 56 (scaled error 0.320 against 0.376 and 0.329).
 */
const YOY_GROWTH_DAYS = 91;
const YOY_GROWTH_RANGE: readonly [number, number] = [0.5, 2];

function meanOf(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

/**
 * Weekday factors (mean of a weekday over the last 8 weeks / mean of those weeks), so that a
 * weekly pattern is kept; 1 for a weekday seen fewer than twice or when the weeks sum to zero.
 */
function weekdayFactors(y: readonly number[], firstTime: number): number[] {
  const from = Math.max(0, y.length - PATTERN_DAYS);
  const sums = new Array<number>(7).fill(0);
  const counts = new Array<number>(7).fill(0);
  for (let i = from; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) continue;
    const dow = new Date(firstTime + i * DAY_MS).getUTCDay();
    sums[dow]! += y[i]!;
    counts[dow]!++;
  }
  const means = sums.map((s, d) => (counts[d]! >= 2 ? s / counts[d]! : NaN));
  const overall = meanOf(means);
  if (!(overall > 0)) return new Array<number>(7).fill(1);
  return means.map((m) => (Number.isFinite(m) ? m / overall : 1));
}

/**
 * Damped run rate with the weekly pattern: the mean of the last 28 days, brought to today by the
 * growth between the last two 28-day windows (capped at ±50 % a month; the window's mean sits
 * half a window back), then held flat, times each weekday's factor. The trend is fully damped
 * after today: on the Wikipedia tuning origins (bench/forecast-monthly.ts --split tune) carrying
 * it on with a damping of 0.9, 0.95 or 0.97 a day did worse (scaled error 0.303, 0.320, 0.390
 * against 0.272). Nothing compounds, so no path can explode.
 */
export function runRateForecast(y: readonly number[], firstTime: number, horizon: number): number[] {
  const n = y.length;
  const level = meanOf(y.slice(Math.max(0, n - RUN_RATE_DAYS)));
  const before = n >= 2 * RUN_RATE_DAYS ? meanOf(y.slice(n - 2 * RUN_RATE_DAYS, n - RUN_RATE_DAYS)) : NaN;
  const growth =
    level > 0 && before > 0 ? Math.min(Math.max(level / before - 1, -MAX_MONTHLY_GROWTH), MAX_MONTHLY_GROWTH) : 0;
  // A last week more than half off the 4-week mean is a step (a service switched off or on), not
  // noise: the level is the last week's.
  const lastWeek = meanOf(y.slice(Math.max(0, n - 7)));
  const stepped = level > 0 && Math.abs(lastWeek / level - 1) > STEP_SHARE;
  const today = stepped ? lastWeek : level * (1 + growth / 2);
  const factors = weekdayFactors(y, firstTime);
  return Array.from({ length: horizon }, (_, i) => {
    const dow = new Date(firstTime + (n + i) * DAY_MS).getUTCDay();
    return Math.max(0, today * factors[dow]!);
  });
}

/**
 * Year over year: the same weekday 52 weeks earlier, scaled by the growth of the last 28 days
 * over the same days a year before (13 weeks when the history has them; capped to ×0.5..×2). Needs a year and 28 days of history;
 * beyond a year ahead it repeats its own forecast. Null when the history is too short or last
 * year's window had no spend.
 */
export function yearOverYearForecast(y: readonly number[], horizon: number): number[] | null {
  const n = y.length;
  if (n < YEAR_LAG_DAYS + RUN_RATE_DAYS) return null;
  const filled = interpolateGaps(y);
  const window = Math.min(YOY_GROWTH_DAYS, n - YEAR_LAG_DAYS);
  const recent = meanOf(y.slice(n - window));
  const yearAgo = meanOf(y.slice(n - window - YEAR_LAG_DAYS, n - YEAR_LAG_DAYS));
  if (!(yearAgo > 0) || !Number.isFinite(recent)) return null;
  const growth = Math.min(Math.max(recent / yearAgo, YOY_GROWTH_RANGE[0]), YOY_GROWTH_RANGE[1]);
  const out: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    const i = n - 1 + h - YEAR_LAG_DAYS;
    out.push(i < n ? Math.max(0, filled[i]! * growth) : out[i - n]!);
  }
  return out;
}
