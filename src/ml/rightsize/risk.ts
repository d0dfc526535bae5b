import type { InstanceTypeSpec } from '../../catalog/types.js';
import type { Fit } from './candidates.js';
import type { WorkloadProfile } from './profile.js';
import type { RiskLevel } from './types.js';

/** The target type and how it fits, for scoring the risk of moving to it. */
export interface RiskParams {
  profile: WorkloadProfile;
  current: InstanceTypeSpec;
  target: InstanceTypeSpec;
  fit: Fit;
}

/**
 * Points for each reason a move could hurt; 0-1 is low, 2-3 medium, 4 or more high.
 * Each rule is one sentence of why, so the level can be explained back to a user.
 */
export function riskPoints({ profile, current, target, fit }: RiskParams): number {
  let points = 0;
  // Margin: how the busiest period seen would sit on the target.
  const peakShare = profile.cpuPeakCores / target.vcpu;
  if (peakShare > 1) points += 2;
  else if (peakShare > 0.8) points += 1;
  // Spikiness: peaks well above the sized percentile are the ones the percentile ignores.
  if (profile.cpuPeakCores - profile.cpuPercentileCores > 0.25 * target.vcpu) points += 1;
  // Memory: sized blind when unknown; tight when the peak fills most of the target.
  if (profile.memoryPeakGib === null) points += 1;
  else if (profile.memoryPeakGib > 0.8 * (target.memoryMib / 1024)) points += 1;
  // Coverage and stability of the history the choice rests on.
  if (profile.coverage < 0.5) points += 2;
  else if (profile.coverage < 0.8) points += 1;
  if (profile.stability < 0.5) points += 1;
  // Change of family or architecture: different CPUs, maybe a new AMI.
  if (target.family !== current.family) points += 1;
  if (target.arch !== current.arch) points += 1;
  // A burstable target whose sized peaks run on credits, or that ran out of them in the replay.
  if (target.burstable && target.baselineCpuPercent !== null) {
    if (profile.cpuPercentileCores > (target.baselineCpuPercent / 100) * target.vcpu) points += 1;
    if (fit.credits && fit.credits.throttledPeriods > 0) points += 1;
  }
  return points;
}

export function riskLevel(points: number): RiskLevel {
  if (points <= 1) return 'low';
  return points <= 3 ? 'medium' : 'high';
}

/**
 * 0..1 from coverage of the lookback, stability of the CPU percentile between the window's
 * halves, and whether memory is known. Capped at 0.95: history never proves future demand.
 */
export function confidenceOf(profile: WorkloadProfile): number {
  const memoryFactor = profile.memoryPeakGib === null ? 0.8 : 1;
  const value = profile.coverage * (0.5 + 0.5 * profile.stability) * memoryFactor;
  return Math.round(Math.min(0.95, value) * 100) / 100;
}
