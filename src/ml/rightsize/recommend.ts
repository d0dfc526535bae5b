import { HOURS_PER_MONTH, type InstanceTypeSpec } from '../../catalog/types.js';
import { InputError } from '../../errors.js';
import {
  candidateTypes,
  cheapestFitting,
  fitOf,
  unpricedRivals,
  type Fit,
  type PricedType,
  type Requirement,
} from './candidates.js';
import { profileWorkload, validateSamples, type WorkloadProfile } from './profile.js';
import { insufficientDataText, noPriceText, reasoningText } from './reasoning.js';
import { confidenceOf, riskLevel, riskPoints } from './risk.js';
import type {
  Alternative,
  Finding,
  RightSizeResult,
  RightSizeEvidence,
  RightSizeInput,
  RightSizeOptions,
} from './types.js';
import { resolveRightSizeOptions } from './options.js';

const round2 = (x: number): number => Math.round(x * 100) / 100;
const round1 = (x: number): number => Math.round(x * 10) / 10;
const monthly = (usdPerHour: number): number => round2(usdPerHour * HOURS_PER_MONTH);

function findType(catalog: readonly InstanceTypeSpec[], name: string): InstanceTypeSpec {
  const spec = catalog.find((s) => s.instanceType === name);
  if (spec) return spec;
  const family = name.split('.')[0] ?? '';
  const sameFamily = catalog.filter((s) => s.family === family).map((s) => s.instanceType);
  const hint = sameFamily.length > 0 ? `; the ${family} types in it are ${sameFamily.sort().join(', ')}` : '';
  throw new InputError(`instance type "${name}" is not in the catalog (${catalog.length} types)${hint}`);
}

/** The prices of the instance's own region, platform and tenancy: no other one stands in for them. */
function pricesFor(input: RightSizeInput): Map<string, number> {
  const tenancy = input.tenancy ?? 'shared';
  return new Map(
    input.prices
      .filter((p) => p.region === input.region && p.platform === input.platform && p.tenancy === tenancy)
      .map((p) => [p.instanceType, p.usdPerHour]),
  );
}

function requirementOf(
  profile: WorkloadProfile,
  current: InstanceTypeSpec,
  opts: RightSizeOptions,
  periodSeconds: number,
): Requirement {
  const h = 1 + opts.headroomPercent / 100;
  return {
    vcpu: profile.cpuPercentileCores * h,
    // Unknown memory is never shrunk: the current size is the only figure there is.
    memoryGib: profile.memoryPeakGib === null ? current.memoryMib / 1024 : profile.memoryPeakGib * h,
    networkMbps: profile.network
      ? Math.max(profile.network.inPercentileMbps, profile.network.outPercentileMbps) * h
      : null,
    meanVcpu: profile.cpuMeanCores * h,
    demandSeries: profile.cpuCores.map((c) => c * h),
    periodSeconds,
    maxThrottledShare: (100 - opts.percentile) / 100,
  };
}

function evidenceOf(
  profile: WorkloadProfile,
  current: InstanceTypeSpec,
  opts: RightSizeOptions,
  periodSeconds: number,
  extra: { req: Requirement | null; target: InstanceTypeSpec | null; unpriced: string[] },
): RightSizeEvidence {
  const hasCpu = profile.samples > 0;
  return {
    lookbackDays: opts.lookbackDays,
    periodSeconds,
    dataHours: round1(profile.dataHours),
    coverage: round2(profile.coverage),
    percentile: opts.percentile,
    headroomPercent: opts.headroomPercent,
    currentVcpu: current.vcpu,
    currentMemoryGib: current.memoryMib / 1024,
    cpuPercentilePercent: hasCpu ? round2(profile.cpuPercentilePercent) : null,
    cpuPeakPercent: hasCpu ? round2(profile.cpuPeakPercent) : null,
    cpuMeanPercent: hasCpu ? round2(profile.cpuMeanPercent) : null,
    cpuDemandVcpu: extra.req ? round2(extra.req.vcpu) : null,
    memoryKnown: profile.memoryPeakGib !== null,
    memoryPeakGib: profile.memoryPeakGib === null ? null : round2(profile.memoryPeakGib),
    memoryDemandGib: extra.req ? round2(extra.req.memoryGib) : null,
    networkKnown: profile.network !== null,
    networkInPercentileMbps: profile.network ? round2(profile.network.inPercentileMbps) : null,
    networkOutPercentileMbps: profile.network ? round2(profile.network.outPercentileMbps) : null,
    networkMbPerDay: profile.network ? round2(profile.network.mbPerDay) : null,
    stability: hasCpu ? round2(profile.stability) : null,
    projectedCpuPercent: extra.target && hasCpu ? round1((profile.cpuPercentileCores / extra.target.vcpu) * 100) : null,
    unpricedCandidates: extra.unpriced,
  };
}

/** A recommendation that keeps the current type because the data or the price is not there. */
function keepCurrent(
  base: { input: RightSizeInput; current: InstanceTypeSpec; evidence: RightSizeEvidence; profile: WorkloadProfile },
  usdPerHour: number | undefined,
  reasoning: string,
  cannotRecommend: string | null,
): RightSizeResult {
  const cost = usdPerHour === undefined ? null : monthly(usdPerHour);
  return {
    currentType: base.current.instanceType,
    recommendedType: base.current.instanceType,
    finding: 'insufficient-data',
    currentMonthlyUsd: cost,
    recommendedMonthlyUsd: cost,
    monthlySavingsUsd: cost === null ? null : 0,
    savingsPercent: cost === null ? null : 0,
    risk: 'low',
    confidence: Math.min(0.2, round2(base.profile.coverage)),
    reasoning,
    region: base.input.region,
    platform: base.input.platform,
    savingsBasis: 'on-demand',
    onDemandMonthlySavingsUsd: cost === null ? null : 0,
    stopSuggested: false,
    cannotRecommend,
    alternatives: [],
    evidence: base.evidence,
  };
}

function isIdle(profile: WorkloadProfile, opts: RightSizeOptions): boolean {
  return (
    profile.cpuPeakPercent < opts.idleCpuPercent &&
    (profile.network === null || profile.network.mbPerDay < opts.idleNetworkMbPerDay)
  );
}

interface Decision {
  finding: Exclude<Finding, 'insufficient-data'>;
  target: PricedType;
  fit: Fit;
}

function decide(
  profile: WorkloadProfile,
  opts: RightSizeOptions,
  current: PricedType,
  currentFit: Fit,
  best: { choice: PricedType; fit: Fit } | null,
): Decision {
  if (!currentFit.ok) {
    return best
      ? { finding: 'under-provisioned', target: best.choice, fit: best.fit }
      : { finding: 'under-provisioned', target: current, fit: currentFit };
  }
  const saves = best !== null && best.choice.usdPerHour <= current.usdPerHour * (1 - opts.minSavingsPercent / 100);
  const sized: Decision = saves
    ? { finding: 'over-provisioned', target: best.choice, fit: best.fit }
    : { finding: 'optimized', target: current, fit: currentFit };
  return isIdle(profile, opts) ? { ...sized, finding: 'idle' } : sized;
}

function graviton(
  input: RightSizeInput,
  current: PricedType,
  req: Requirement,
  profile: WorkloadProfile,
  priceOf: Map<string, number>,
  targetUsdPerHour: number,
): Alternative[] {
  if (current.spec.arch !== 'x86_64') return [];
  const arm = cheapestFitting(
    candidateTypes(current.spec, input.catalog, priceOf, 'arm64').candidates,
    req,
    current.spec,
  );
  if (!arm || arm.choice.usdPerHour >= targetUsdPerHour) return [];
  const cost = monthly(arm.choice.usdPerHour);
  const currentCost = monthly(current.usdPerHour);
  return [
    {
      instanceType: arm.choice.spec.instanceType,
      monthlyUsd: cost,
      monthlySavingsUsd: round2(currentCost - cost),
      savingsPercent: round1(((currentCost - cost) / currentCost) * 100),
      requiresAmiChange: true,
      risk: riskLevel(riskPoints({ profile, current: current.spec, target: arm.choice.spec, fit: arm.fit })),
      note: `Graviton (arm64): needs an arm64 AMI and arm64 builds of everything the instance runs.`,
    },
  ];
}

/**
 * Right-sizes one instance from its utilization history and the catalog's prices in its region.
 * Pure: the caller passes samples, catalog, prices and `now`. Throws InputError for input no
 * instance can produce (unknown type, empty or out-of-range samples); a missing price or too
 * little data is an `insufficient-data` recommendation that says so.
 */
export function recommendRightSize(input: RightSizeInput, options: Partial<RightSizeOptions> = {}): RightSizeResult {
  const opts = resolveRightSizeOptions(options);
  const currentSpec = findType(input.catalog, input.currentType);
  if (!(input.periodSeconds > 0)) throw new InputError(`periodSeconds must be > 0, got ${input.periodSeconds}`);
  if (input.samples.times.length === 0)
    throw new InputError('no utilization samples: at least one CPU value per period is needed');
  validateSamples(input.samples);
  const profile = profileWorkload(input.samples, {
    periodSeconds: input.periodSeconds,
    now: input.now,
    lookbackDays: opts.lookbackDays,
    percentile: opts.percentile,
    minDataHours: opts.minDataHours,
    currentVcpu: currentSpec.vcpu,
    currentMemoryMib: currentSpec.memoryMib,
  });
  const priceOf = pricesFor(input);
  const currentPrice = priceOf.get(currentSpec.instanceType);
  if (profile.dataHours < opts.minDataHours) {
    const evidence = evidenceOf(profile, currentSpec, opts, input.periodSeconds, {
      req: null,
      target: null,
      unpriced: [],
    });
    const text = insufficientDataText(
      currentSpec.instanceType,
      profile.dataHours,
      opts.lookbackDays,
      opts.minDataHours,
    );
    return keepCurrent({ input, current: currentSpec, evidence, profile }, currentPrice, text, null);
  }
  const req = requirementOf(profile, currentSpec, opts, input.periodSeconds);
  if (currentPrice === undefined) {
    const evidence = evidenceOf(profile, currentSpec, opts, input.periodSeconds, { req, target: null, unpriced: [] });
    const text = noPriceText(currentSpec.instanceType, input.region, input.platform);
    return keepCurrent({ input, current: currentSpec, evidence, profile }, undefined, text, text);
  }
  return sized({ input, opts, profile, req, priceOf, current: { spec: currentSpec, usdPerHour: currentPrice } });
}

interface SizingContext {
  input: RightSizeInput;
  opts: RightSizeOptions;
  profile: WorkloadProfile;
  req: Requirement;
  priceOf: Map<string, number>;
  current: PricedType;
}

/** The recommendation once there is enough data and a price for the current type. */
function sized({ input, opts, profile, req, priceOf, current }: SizingContext): RightSizeResult {
  const { candidates, unpriced } = candidateTypes(current.spec, input.catalog, priceOf, current.spec.arch);
  // The type it runs on needs no bandwidth figure to be known to carry its own traffic.
  const currentReq = current.spec.networkBandwidthMbps === null ? { ...req, networkMbps: null } : req;
  const currentFit = fitOf(current.spec, currentReq);
  const decision = decide(profile, opts, current, currentFit, cheapestFitting(candidates, req, current.spec));
  const currentMonthlyUsd = monthly(current.usdPerHour);
  const recommendedMonthlyUsd = monthly(decision.target.usdPerHour);
  const monthlySavingsUsd = round2(currentMonthlyUsd - recommendedMonthlyUsd);
  const savingsPercent = round1((monthlySavingsUsd / currentMonthlyUsd) * 100);
  const target = decision.target.spec;
  const unpricedFits = unpricedRivals(unpriced, req, target);
  return {
    currentType: current.spec.instanceType,
    recommendedType: target.instanceType,
    finding: decision.finding,
    currentMonthlyUsd,
    recommendedMonthlyUsd,
    monthlySavingsUsd,
    savingsPercent,
    risk: riskLevel(riskPoints({ profile, current: current.spec, target, fit: decision.fit })),
    confidence: confidenceOf(profile),
    reasoning: reasoningText({
      ...opts,
      finding: decision.finding,
      profile,
      current: current.spec,
      target,
      region: input.region,
      platform: input.platform,
      currentMonthlyUsd,
      monthlySavingsUsd,
      savingsPercent,
      shortfall: currentFit.why,
      unpricedCandidates: unpricedFits,
    }),
    region: input.region,
    platform: input.platform,
    savingsBasis: 'on-demand',
    onDemandMonthlySavingsUsd: monthlySavingsUsd,
    stopSuggested: decision.finding === 'idle',
    cannotRecommend: null,
    alternatives: graviton(input, current, req, profile, priceOf, decision.target.usdPerHour),
    evidence: evidenceOf(profile, current.spec, opts, input.periodSeconds, { req, target, unpriced: unpricedFits }),
  };
}
