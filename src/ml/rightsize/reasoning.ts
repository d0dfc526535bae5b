import type { InstanceTypeSpec } from '../../catalog/types.js';
import type { WorkloadProfile } from './profile.js';
import type { Finding } from './types.js';

/** Everything the sentences quote; money already rounded to cents. */
export interface ReasoningFacts {
  finding: Exclude<Finding, 'insufficient-data'>;
  profile: WorkloadProfile;
  current: InstanceTypeSpec;
  target: InstanceTypeSpec;
  region: string;
  platform: string;
  percentile: number;
  headroomPercent: number;
  lookbackDays: number;
  minSavingsPercent: number;
  currentMonthlyUsd: number;
  monthlySavingsUsd: number;
  savingsPercent: number;
  /** Why the current type falls short, when it does. */
  shortfall: string | null;
  unpricedCandidates: readonly string[];
}

/** 0.42 -> "0.42", 3.14159 -> "3.1", 44.4 -> "44": enough digits to be read, not more. */
export function num(x: number): string {
  const digits = Math.abs(x) < 1 ? 2 : Math.abs(x) < 10 ? 1 : 0;
  return String(Number(x.toFixed(digits)));
}

const usd = (x: number): string => `$${Math.abs(x).toFixed(2)}`;
const gib = (spec: InstanceTypeSpec): string => num(spec.memoryMib / 1024);

function cpuClause(f: ReasoningFacts): string {
  const p = f.profile;
  return `CPU p${f.percentile} ${num(p.cpuPercentilePercent)} % of ${f.current.vcpu} vCPU over ${f.lookbackDays} days (${Math.round(p.dataHours)} h)`;
}

function memoryClause(f: ReasoningFacts): string {
  const peak = f.profile.memoryPeakGib;
  return peak === null
    ? `memory not reported, so not sized below the current ${gib(f.current)} GiB`
    : `memory peak ${num(peak)} of ${gib(f.current)} GiB`;
}

/** "48 % (57 % with 20 % headroom)": the target's CPU at the percentile, then with headroom. */
function projected(f: ReasoningFacts): string {
  const share = (f.profile.cpuPercentileCores / f.target.vcpu) * 100;
  return `${num(share)} % (${num(share * (1 + f.headroomPercent / 100))} % with ${f.headroomPercent} % headroom)`;
}

function burstableNote(f: ReasoningFacts): string {
  if (!f.target.burstable || f.target.baselineCpuPercent === null) return '';
  const meanPct = (f.profile.cpuMeanCores / f.target.vcpu) * 100;
  const peaksOnCredits = f.profile.cpuPercentileCores > (f.target.baselineCpuPercent / 100) * f.target.vcpu;
  return (
    ` ${f.target.instanceType} is burstable: the average of ${num(meanPct)} % per vCPU stays under its ${f.target.baselineCpuPercent} % baseline with ${f.headroomPercent} % headroom` +
    (peaksOnCredits ? ', and the peaks above it run on CPU credits.' : '.')
  );
}

function unpricedNote(f: ReasoningFacts): string {
  const n = f.unpricedCandidates.length;
  if (n === 0) return '';
  const names =
    n <= 3 ? f.unpricedCandidates.join(', ') : `${f.unpricedCandidates.slice(0, 3).join(', ')} and ${n - 3} more`;
  return ` ${names} would also fit but ${n === 1 ? 'has' : 'have'} no ${f.platform} price in ${f.region}, so ${n === 1 ? 'it was' : 'they were'} not considered.`;
}

function idleSentence(f: ReasoningFacts): string {
  const p = f.profile;
  const network = p.network ? ` and network ${num(p.network.mbPerDay)} MB/day` : ', network not reported';
  const kept =
    f.target.instanceType === f.current.instanceType
      ? `${f.current.instanceType} is the cheapest fit`
      : `${f.target.instanceType} is enough (saves ${usd(f.monthlySavingsUsd)}/month, ${num(f.savingsPercent)} %)`;
  return (
    `Idle: CPU peak ${num(p.cpuPeakPercent)} % of ${f.current.vcpu} vCPU over ${f.lookbackDays} days (${Math.round(p.dataHours)} h)${network}; ` +
    `consider stopping it, which saves ${usd(f.currentMonthlyUsd)}/month. If it is kept, ${kept}; ${memoryClause(f)}.`
  );
}

function underSentence(f: ReasoningFacts): string {
  const saturated = f.profile.cpuPeakPercent >= 99 ? ' (it hits 100 %, so the real demand may be higher)' : '';
  const lead = `${cpuClause(f)}${saturated}; ${f.current.instanceType} falls short: ${f.shortfall ?? 'demand above capacity'}`;
  if (f.target.instanceType === f.current.instanceType) {
    return `${lead}. No current-generation type with a ${f.region} price carries it; ${memoryClause(f)}.`;
  }
  return (
    `${lead}. ${f.target.instanceType} (${f.target.vcpu} vCPU, ${gib(f.target)} GiB) carries it at ${projected(f)}; ` +
    `${memoryClause(f)}; ` +
    (f.monthlySavingsUsd < 0
      ? `costs ${usd(f.monthlySavingsUsd)}/month more (+${num(-f.savingsPercent)} %).`
      : `and still saves ${usd(f.monthlySavingsUsd)}/month (${num(f.savingsPercent)} %).`)
  );
}

/** One or two plain sentences with the figures behind the choice. */
export function reasoningText(f: ReasoningFacts): string {
  switch (f.finding) {
    case 'idle':
      return idleSentence(f) + unpricedNote(f);
    case 'under-provisioned':
      return underSentence(f) + unpricedNote(f);
    case 'over-provisioned':
      return (
        `${cpuClause(f)}; ${f.target.instanceType} keeps it at ${projected(f)}; ` +
        `${memoryClause(f)}; saves ${usd(f.monthlySavingsUsd)}/month (${num(f.savingsPercent)} %).` +
        burstableNote(f) +
        unpricedNote(f)
      );
    case 'optimized':
      return (
        `${cpuClause(f)}; ${f.current.instanceType} carries it at ${projected(f)}; ${memoryClause(f)}; ` +
        `no current-generation type that fits saves ${f.minSavingsPercent} % or more.` +
        unpricedNote(f)
      );
  }
}

export function insufficientDataText(
  currentType: string,
  dataHours: number,
  lookbackDays: number,
  minDataHours: number,
): string {
  return `Only ${num(dataHours)} h of CPU data in the last ${lookbackDays} days (at least ${minDataHours} h needed); keeping ${currentType} until there is more.`;
}

export function noPriceText(currentType: string, region: string, platform: string): string {
  return `Cannot recommend: no on-demand ${platform} price for ${currentType} in ${region} (a price is never estimated, and another platform's price is never used); load ${platform} prices for the region and run it again.`;
}
