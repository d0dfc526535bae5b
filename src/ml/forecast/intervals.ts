import { intervalMultiplier } from './calibration.js';
import { inverse } from './prepare.js';
import type { ForecastDistribution } from './types.js';

/** Central interval per step, in original units. */
export interface IntervalBand {
  level: number;
  lower: number[];
  upper: number[];
}

/**
 * The interval at `levelPercent` (e.g. 80; any level in (0, 100)) for every step of a forecast:
 * center ± multiplier · scale in transformed space, mapped back (so log-modelled series get skewed
 * bands that never go below zero). The multiplier is the calibrated one of `intervalMultiplier`.
 */
export function intervalsAt(dist: ForecastDistribution, levelPercent: number): IntervalBand {
  if (!(levelPercent > 0 && levelPercent < 100)) {
    throw new RangeError(`interval level must be between 0 and 100 (exclusive), got ${levelPercent}`);
  }
  const k = intervalMultiplier(dist.scores, levelPercent / 100);
  return {
    level: levelPercent,
    lower: dist.center.map((c, h) => inverse(dist.transform, c - k * dist.scale[h]!)),
    upper: dist.center.map((c, h) => inverse(dist.transform, c + k * dist.scale[h]!)),
  };
}
