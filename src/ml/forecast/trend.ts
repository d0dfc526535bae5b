import type { ProphetTrendFit } from './prophet.js';
import type { TrendChangepoint, TrendDirection, TrendSummary } from './types.js';
import { DAY_MS } from '../../days.js';

const DAYS_PER_MONTH = 365.25 / 12;
/** Prophet's own threshold for a changepoint worth drawing (add_changepoints_to_plot). */
const SIGNIFICANT_DELTA = 0.01;
/** A change of growth smaller than this, in percentage points per month, counts as steady. */
const STEADY_BAND_PP = 1;
const MAX_CHANGEPOINTS = 5;

/**
 * Growth, changepoints and acceleration read from Prophet's fitted piecewise-linear trend:
 * growth is the slope at the end of the history per month, relative to the trend level then; the
 * trend is accelerating when that growth exceeds the growth one comparison window earlier (a
 * quarter of the history, at least 28 days) by more than 1 percentage point per month.
 */
export function summarizeTrend(fit: ProphetTrendFit): TrendSummary {
  const spanDays = (fit.endMs - fit.startMs) / DAY_MS;
  const windowDays = Math.max(28, Math.round(spanDays / 4));
  const end = fit.endMs;
  const earlier = Math.max(fit.startMs, end - windowDays * DAY_MS);
  const slopeNow = slopeAt(fit, end);
  const growthNow = growthPercent(slopeNow, levelAt(fit, end));
  const growthBefore = growthPercent(slopeAt(fit, earlier), levelAt(fit, earlier));
  let direction: TrendDirection = 'steady';
  if (growthNow !== null && growthBefore !== null) {
    if (growthNow - growthBefore > STEADY_BAND_PP) direction = 'accelerating';
    else if (growthBefore - growthNow > STEADY_BAND_PP) direction = 'decelerating';
  }
  const changepoints: TrendChangepoint[] = fit.changepoints
    .filter((c) => Math.abs(c.scaledDelta) >= SIGNIFICANT_DELTA)
    .sort((a, b) => b.timeMs - a.timeMs)
    .slice(0, MAX_CHANGEPOINTS)
    .map((c) => ({
      time: c.timeMs,
      slopeChangePerDay: c.slopeChangePerDay,
      growthChangePercentPerMonth: growthPercent(c.slopeChangePerDay, levelAt(fit, c.timeMs)),
    }));
  return {
    slopePerDay: slopeNow,
    growthPercentPerMonth: growthNow,
    previousGrowthPercentPerMonth: growthBefore,
    comparisonWindowDays: windowDays,
    direction,
    changepoints,
  };
}

function growthPercent(slopePerDay: number, level: number): number | null {
  return level > 0 ? ((slopePerDay * DAYS_PER_MONTH) / level) * 100 : null;
}

/** Slope in force at `timeMs`: the initial slope plus every change at or before it. */
function slopeAt(fit: ProphetTrendFit, timeMs: number): number {
  return fit.changepoints.reduce((s, c) => (c.timeMs <= timeMs ? s + c.slopeChangePerDay : s), fit.initialSlopePerDay);
}

/** Trend level at `timeMs`: the start level plus the area under the piecewise slopes. */
function levelAt(fit: ProphetTrendFit, timeMs: number): number {
  const days = (from: number) => (timeMs - from) / DAY_MS;
  return fit.changepoints.reduce(
    (level, c) => (c.timeMs <= timeMs ? level + c.slopeChangePerDay * days(c.timeMs) : level),
    fit.startLevel + fit.initialSlopePerDay * days(fit.startMs),
  );
}
