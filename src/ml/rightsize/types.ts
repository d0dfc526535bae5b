import type { InstancePrice, InstanceTypeSpec } from '../../catalog/types.js';

export type Finding = 'over-provisioned' | 'under-provisioned' | 'optimized' | 'idle' | 'insufficient-data';
export type RiskLevel = 'low' | 'medium' | 'high';
/** The CPU percentiles a recommendation may be sized on (as AWS Compute Optimizer offers them). */
export type CpuPercentile = 90 | 95 | 99 | 99.5;

/**
 * Per-period utilization of one instance, all arrays aligned with `times`. Values are the
 * period's figure as CloudWatch reports it (average CPUUtilization, mem_used_percent, NetworkIn
 * and NetworkOut sums); `null` marks a period where that one metric is missing.
 */
export interface UtilizationSamples {
  /** Start of each period, epoch milliseconds, strictly increasing. */
  times: readonly number[];
  /** Percent of the current type's vCPUs, 0..100. */
  cpuPercent: readonly number[];
  /** Percent of the current type's memory, 0..100; absent when no agent reports memory. */
  memPercent?: readonly (number | null)[];
  /** Bytes received in the period. */
  networkInBytes?: readonly (number | null)[];
  /** Bytes sent in the period. */
  networkOutBytes?: readonly (number | null)[];
}

export interface RightSizeInput {
  currentType: string;
  /** The instance's region; prices of other regions are ignored. */
  region: string;
  /** The platform (OS and licence) both types are priced for, e.g. "Windows"; other platforms' prices are ignored. */
  platform: string;
  /** @defaultValue "shared" */
  tenancy?: 'shared' | 'dedicated';
  samples: UtilizationSamples;
  /** Length of one sample period in seconds (300 for 5-minute, 3600 for hourly data). */
  periodSeconds: number;
  catalog: readonly InstanceTypeSpec[];
  prices: readonly InstancePrice[];
  /** End of the lookback window (exclusive), epoch ms; samples at or after it are ignored. */
  now: number;
}

export interface RightSizeOptions {
  /** Percentile of per-period CPU (and network) the size must carry. @defaultValue 99 */
  percentile: CpuPercentile;
  /** Extra capacity over the demand, in percent. @defaultValue 20 */
  headroomPercent: number;
  /** Days of history before `now`, 1 to 93. @defaultValue 14 */
  lookbackDays: number;
  /** Hours of data needed in the lookback, else `insufficient-data` (Compute Optimizer's 30). @defaultValue 30 */
  minDataHours: number;
  /** A cheaper type must save at least this share of the current cost to be worth a change. @defaultValue 5 */
  minSavingsPercent: number;
  /** Idle when the CPU peak stays under this percent of the instance. @defaultValue 5 */
  idleCpuPercent: number;
  /** ... and, when network is reported, in + out average under this many MB per day. @defaultValue 5 */
  idleNetworkMbPerDay: number;
}

/** Another type worth showing next to the recommendation, e.g. the Graviton (arm64) option. */
export interface Alternative {
  instanceType: string;
  monthlyUsd: number;
  monthlySavingsUsd: number;
  savingsPercent: number;
  /** arm64 from x86_64 (or back): needs an AMI and binaries built for that architecture. */
  requiresAmiChange: boolean;
  risk: RiskLevel;
  note: string;
}

/** The figures behind a recommendation, kept for storage, the bot's detail view and tests. */
export interface RightSizeEvidence {
  lookbackDays: number;
  periodSeconds: number;
  dataHours: number;
  /** Share of the lookback's periods that have a CPU sample, 0..1. */
  coverage: number;
  percentile: CpuPercentile;
  headroomPercent: number;
  currentVcpu: number;
  currentMemoryGib: number;
  cpuPercentilePercent: number | null;
  cpuPeakPercent: number | null;
  cpuMeanPercent: number | null;
  /** vCPUs needed: the CPU percentile in cores, plus headroom. */
  cpuDemandVcpu: number | null;
  memoryKnown: boolean;
  memoryPeakGib: number | null;
  /** GiB needed: the memory peak plus headroom; the current memory when memory is not reported. */
  memoryDemandGib: number | null;
  networkKnown: boolean;
  networkInPercentileMbps: number | null;
  networkOutPercentileMbps: number | null;
  networkMbPerDay: number | null;
  /** CPU percentile of the first half of the window over the second (or the reverse), 0..1. */
  stability: number | null;
  /** Recommended type's projected CPU at the percentile (no headroom), percent of its vCPUs. */
  projectedCpuPercent: number | null;
  /** Types that fit, no larger than the recommendation, left out for want of a price in the region. */
  unpricedCandidates: string[];
}

/**
 * What the money figures are: on-demand rates; after the RI/Savings Plan discount the bill shows for
 * the instance (the totals use it); or left out for a spot instance, which is not billed on-demand.
 */
export type SavingsBasis = 'on-demand' | 'after-discounts' | 'spot-excluded';

/** How the bill shows the instance was paid for over the lookback (CUR per-resource rows). */
export interface InstanceBilling {
  /** DescribeInstances InstanceLifecycle, "on-demand" when absent. */
  lifecycle: string;
  /** Instance hours in the CUR over the lookback, and those reserved or covered by a Savings Plan. */
  hours: number;
  coveredHours: number;
  /** Effective (amortized) cost of the covered hours. */
  coveredEffectiveUsd: number;
}

export interface RightSizeResult {
  currentType: string;
  /** Always a catalog type: the current one when no change is right or the data is insufficient. */
  recommendedType: string;
  finding: Finding;
  /** Null only when the catalog has no price for the type in the region (never estimated). */
  currentMonthlyUsd: number | null;
  recommendedMonthlyUsd: number | null;
  monthlySavingsUsd: number | null;
  savingsPercent: number | null;
  risk: RiskLevel;
  /** 0..1, from data coverage, stability and whether memory is known. */
  confidence: number;
  reasoning: string;
  region: string;
  platform: string;
  savingsBasis: SavingsBasis;
  /** The saving at on-demand rates; `monthlySavingsUsd` is after discounts when savingsBasis says so. */
  onDemandMonthlySavingsUsd: number | null;
  /** For `idle`: stop (or terminate) the instance; the evidence is in `reasoning`. */
  stopSuggested: boolean;
  /** Why no recommendation could be made (e.g. no price for the current type); null otherwise. */
  cannotRecommend: string | null;
  alternatives: Alternative[];
  evidence: RightSizeEvidence;
}
