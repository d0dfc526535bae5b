/** What costbot knows of an EC2 instance type, from DescribeInstanceTypes or a catalog CSV. */
export interface InstanceTypeSpec {
  instanceType: string;
  /** The part before the dot: "m5" for "m5.large". */
  family: string;
  vcpu: number;
  memoryMib: number;
  /** Sustained network bandwidth; null when the source gives only a label such as "Up to 10 Gigabit". */
  networkBandwidthMbps: number | null;
  ebsBandwidthMbps: number | null;
  arch: 'x86_64' | 'arm64';
  burstable: boolean;
  /** Per-vCPU baseline of a burstable type, in percent; null when not burstable or unknown. */
  baselineCpuPercent: number | null;
  currentGeneration: boolean;
  gpuCount: number;
}

/** On-demand price per hour of one type for one platform (OS and licence) and tenancy in a region. */
export interface InstancePrice {
  instanceType: string;
  region: string;
  /** src/catalog/platform.ts Platform.name, e.g. "Linux", "Windows". */
  platform: string;
  tenancy: 'shared' | 'dedicated';
  usdPerHour: number;
  /** Where the figure came from, e.g. "pricing-api" or "catalog:ec2-us-east-1-2026-07.csv". */
  source: string;
  fetchedAt: Date;
}

/** On-demand hours in a month as AWS Compute Optimizer and Cost Explorer count them. */
export const HOURS_PER_MONTH = 730;
