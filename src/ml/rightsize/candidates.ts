import type { InstanceTypeSpec } from '../../catalog/types.js';
import { replayStandardCredits, type CreditReplay } from './burstable-credits.js';

export interface PricedType {
  spec: InstanceTypeSpec;
  usdPerHour: number;
}

/** What a type must carry, headroom included. */
export interface Requirement {
  vcpu: number;
  memoryGib: number;
  /** The busier direction's network percentile in Mbps; null when network is not reported. */
  networkMbps: number | null;
  /** Average vCPUs in use; a burstable type's baseline must cover it. */
  meanVcpu: number;
  /** vCPUs in use per period, for the credit replay of burstable types. */
  demandSeries: readonly number[];
  periodSeconds: number;
  /** Share of periods a burstable type may spend held at its baseline (the percentile's tail). */
  maxThrottledShare: number;
}

export interface Fit {
  ok: boolean;
  /** Why the type does not fit, in a few words; null when it fits. */
  why: string | null;
  credits: CreditReplay | null;
}

const gib = (mib: number): number => mib / 1024;

function burstableFit(spec: InstanceTypeSpec, req: Requirement): Fit {
  if (spec.baselineCpuPercent === null) return { ok: false, why: 'burstable baseline unknown', credits: null };
  const baselineVcpu = (spec.baselineCpuPercent / 100) * spec.vcpu;
  if (req.meanVcpu > baselineVcpu) {
    return { ok: false, why: `average above its ${spec.baselineCpuPercent} % baseline`, credits: null };
  }
  const credits = replayStandardCredits(req.demandSeries, req.periodSeconds, spec.vcpu, spec.baselineCpuPercent);
  if (credits.throttledPeriods > req.maxThrottledShare * req.demandSeries.length) {
    return { ok: false, why: 'CPU credits would run out', credits };
  }
  return { ok: true, why: null, credits };
}

/** Whether `spec` carries the requirement: vCPUs, memory, network when known, credits if burstable. */
export function fitOf(spec: InstanceTypeSpec, req: Requirement): Fit {
  if (spec.vcpu < req.vcpu)
    return { ok: false, why: `${spec.vcpu} vCPU is under ${req.vcpu.toFixed(2)} needed`, credits: null };
  if (gib(spec.memoryMib) < req.memoryGib) {
    return { ok: false, why: `${gib(spec.memoryMib)} GiB is under ${req.memoryGib.toFixed(2)} needed`, credits: null };
  }
  if (req.networkMbps !== null) {
    if (spec.networkBandwidthMbps === null) return { ok: false, why: 'network bandwidth unknown', credits: null };
    if (spec.networkBandwidthMbps < req.networkMbps)
      return { ok: false, why: 'network bandwidth too low', credits: null };
  }
  return spec.burstable ? burstableFit(spec, req) : { ok: true, why: null, credits: null };
}

export interface CandidateSet {
  candidates: PricedType[];
  /** Types that would have been candidates but have no price in the region. */
  unpriced: InstanceTypeSpec[];
}

/**
 * Families built around an accelerator the catalog does not count as a GPU (Inferentia,
 * Trainium, Gaudi, FPGA, video transcoding) or around GPUs: never a home for a general workload.
 */
function isAcceleratorFamily(family: string): boolean {
  return /^(p|g|gr|inf|trn|dl|f|vt)\d/.test(family);
}

/**
 * Current-generation types of one architecture with a price, no GPUs or other accelerators unless
 * the current type has GPUs, sorted cheapest first. Bare metal is left out unless the instance
 * already runs on it: it costs the same as the largest virtualized size and changes how the host
 * is managed.
 */
export function candidateTypes(
  current: InstanceTypeSpec,
  catalog: readonly InstanceTypeSpec[],
  priceOf: ReadonlyMap<string, number>,
  arch: InstanceTypeSpec['arch'],
): CandidateSet {
  const currentIsMetal = current.instanceType.includes('metal');
  const eligible = catalog.filter(
    (s) =>
      s.currentGeneration &&
      s.arch === arch &&
      (current.gpuCount > 0 ? s.gpuCount >= current.gpuCount : s.gpuCount === 0 && !isAcceleratorFamily(s.family)) &&
      (currentIsMetal || !s.instanceType.includes('metal')),
  );
  const candidates: PricedType[] = [];
  const unpriced: InstanceTypeSpec[] = [];
  for (const spec of eligible) {
    const usdPerHour = priceOf.get(spec.instanceType);
    if (usdPerHour === undefined) unpriced.push(spec);
    else candidates.push({ spec, usdPerHour });
  }
  candidates.sort((a, b) => a.usdPerHour - b.usdPerHour || a.spec.instanceType.localeCompare(b.spec.instanceType));
  return { candidates, unpriced };
}

/**
 * The cheapest candidate that fits. On a price tie the current type wins, then its family:
 * a change that saves nothing is not worth its risk.
 */
export function cheapestFitting(
  candidates: readonly PricedType[],
  req: Requirement,
  current: InstanceTypeSpec,
): { choice: PricedType; fit: Fit } | null {
  const rank = (p: PricedType): number =>
    p.spec.instanceType === current.instanceType ? 0 : p.spec.family === current.family ? 1 : 2;
  let best: { choice: PricedType; fit: Fit } | null = null;
  for (const c of candidates) {
    if (best && c.usdPerHour > best.choice.usdPerHour) break;
    if (best && rank(c) >= rank(best.choice)) continue;
    const fit = fitOf(c.spec, req);
    if (fit.ok) best = { choice: c, fit };
  }
  return best;
}

/**
 * Unpriced types that fit and are no larger than the choice: the ones that might have been
 * cheaper, so the reasoning names them instead of guessing their price.
 */
export function unpricedRivals(
  unpriced: readonly InstanceTypeSpec[],
  req: Requirement,
  choice: InstanceTypeSpec,
): string[] {
  return unpriced
    .filter((s) => s.vcpu <= choice.vcpu && s.memoryMib <= choice.memoryMib && fitOf(s, req).ok)
    .map((s) => s.instanceType);
}
