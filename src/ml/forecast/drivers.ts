import { InputError } from '../../errors.js';
import type { SeriesForecast } from './types.js';

/** One scope's forecast (e.g. "service:Amazon Elastic Compute Cloud", "account:123456789012"). */
export interface ScopeForecast {
  scope: string;
  forecast: SeriesForecast;
}

/** How much one scope adds to the total's change over the horizon. */
export interface Driver {
  scope: string;
  /** The scope's current run rate (mean of its last 28 days) times the horizon steps. */
  baselineTotal: number;
  /** Sum of the scope's forecast over the horizon. */
  forecastTotal: number;
  /** forecastTotal − baselineTotal: positive means the scope will cost more than it does now. */
  change: number;
  /** change as a share of the total's change; null when the total does not change. */
  sharePercent: number | null;
}

export interface KeyDrivers {
  horizonSteps: number;
  totalChange: number;
  /** Scopes by the size of their change, largest first. */
  drivers: Driver[];
  /** The total's change that the given scopes do not account for (scopes not given; medians do not add up exactly). */
  unexplainedChange: number;
}

/**
 * Which scopes drive the total's change over the horizon, in the series' units (dollars for
 * cost): each scope's change is its forecast sum over the horizon minus its current run rate
 * carried over the same steps, the same measure as the total's. Every forecast must cover the
 * same steps (same step, first time and horizon).
 */
export function keyDrivers(scopes: readonly ScopeForecast[], total: SeriesForecast, top = 5): KeyDrivers {
  const totalChange = changeParts(total).change;
  const all = scopes.map(({ scope, forecast }) => {
    const sameSteps =
      forecast.stepMs === total.stepMs &&
      forecast.points.length === total.points.length &&
      forecast.points[0]?.time === total.points[0]?.time;
    if (!sameSteps) {
      throw new InputError(
        `forecast of ${scope} covers other steps than the total's; forecast every scope over the same horizon`,
      );
    }
    const { baseline, sum, change } = changeParts(forecast);
    return {
      scope,
      baselineTotal: baseline,
      forecastTotal: sum,
      change,
      sharePercent: totalChange !== 0 ? (change / totalChange) * 100 : null,
    };
  });
  const explained = all.reduce((a, d) => a + d.change, 0);
  return {
    horizonSteps: total.points.length,
    totalChange,
    drivers: all.sort((a, b) => Math.abs(b.change) - Math.abs(a.change)).slice(0, top),
    unexplainedChange: totalChange - explained,
  };
}

function changeParts(f: SeriesForecast): { baseline: number; sum: number; change: number } {
  const baseline = f.history.recentMean * f.points.length;
  const sum = f.points.reduce((a, p) => a + p.yhat, 0);
  return { baseline, sum, change: sum - baseline };
}
