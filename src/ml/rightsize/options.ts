import { InputError } from '../../errors.js';
import type { CpuPercentile, RightSizeOptions } from './types.js';

export const CPU_PERCENTILES: readonly CpuPercentile[] = [90, 95, 99, 99.5];

export const DEFAULT_RIGHT_SIZE_OPTIONS: RightSizeOptions = {
  percentile: 99,
  headroomPercent: 20,
  lookbackDays: 14,
  // AWS Compute Optimizer's own minimum for EC2 recommendations.
  minDataHours: 30,
  minSavingsPercent: 5,
  // Idle thresholds: a stricter cousin of Trusted Advisor's "low utilization" check
  // (daily CPU <= 10 % and network <= 5 MB): here the CPU peak itself stays under 5 %.
  idleCpuPercent: 5,
  idleNetworkMbPerDay: 5,
};

/** Defaults filled in; a value out of range is an InputError naming the allowed range. */
export function resolveRightSizeOptions(partial: Partial<RightSizeOptions>): RightSizeOptions {
  const o = { ...DEFAULT_RIGHT_SIZE_OPTIONS, ...partial };
  if (!CPU_PERCENTILES.includes(o.percentile)) {
    throw new InputError(`percentile must be one of ${CPU_PERCENTILES.join(', ')}, got ${o.percentile}`);
  }
  if (!Number.isInteger(o.lookbackDays) || o.lookbackDays < 1 || o.lookbackDays > 93) {
    throw new InputError(`lookback must be a whole number of days from 1 to 93, got ${o.lookbackDays}`);
  }
  const ranges: [keyof RightSizeOptions, number, number][] = [
    ['headroomPercent', 0, 200],
    ['minDataHours', 1, 93 * 24],
    ['minSavingsPercent', 0, 100],
    ['idleCpuPercent', 0, 100],
    ['idleNetworkMbPerDay', 0, Number.MAX_SAFE_INTEGER],
  ];
  for (const [key, min, max] of ranges) {
    const v = o[key];
    if (!Number.isFinite(v) || v < min || v > max)
      throw new InputError(`${key} must be from ${min} to ${max}, got ${v}`);
  }
  return o;
}
