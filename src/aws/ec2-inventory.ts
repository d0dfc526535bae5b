import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  type EC2Client,
  type Instance,
  type InstanceTypeInfo,
  type Reservation,
} from '@aws-sdk/client-ec2';
import type { InstanceTypeSpec } from '../catalog/types.js';
import { burstableBaselinePercent } from '../catalog/burstable-baselines.js';
import { awsCall } from './aws-errors.js';

/** An EC2 instance as DescribeInstances reports it, in the shape of the `instances` table. */
export interface InventoryInstance {
  instanceId: string;
  /** The reservation's owner: the account the instance runs in. */
  accountId: string;
  region: string;
  availabilityZone: string | null;
  instanceType: string;
  state: string;
  launchTime: Date | null;
  /** PlatformDetails when given, else "Windows" or "Linux/UNIX" (AWS: a blank Platform means Linux/UNIX). */
  platform: string;
  /** UsageOperation, the billing code of the platform ("RunInstances:0002" is Windows); null when absent. */
  usageOperation: string | null;
  /** Placement.Tenancy ("default", "dedicated", "host"); null when absent. */
  tenancy: string | null;
  architecture: string | null;
  /** "on-demand" when InstanceLifecycle is absent, else AWS's value ("spot", "scheduled", "capacity-block"). */
  lifecycle: string;
  rootDeviceType: string | null;
  tags: Record<string, string>;
  /** The `aws:autoscaling:groupName` tag EC2 Auto Scaling puts on the instances it launches. */
  autoScalingGroup: string | null;
}

/** An instance type from DescribeInstanceTypes, with the label AWS gives its network. */
export interface Ec2InstanceType extends InstanceTypeSpec {
  networkPerformance: string | null;
}

const ASG_TAG = 'aws:autoscaling:groupName';

/** The page size DescribeInstances allows at most. */
const INSTANCES_PAGE = 1000;
const TYPES_PAGE = 100;

function tagsOf(instance: Instance): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of instance.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return tags;
}

function toInventoryInstance(instance: Instance, reservation: Reservation, region: string): InventoryInstance | null {
  if (!instance.InstanceId || !instance.InstanceType || !reservation.OwnerId) return null;
  const tags = tagsOf(instance);
  return {
    instanceId: instance.InstanceId,
    accountId: reservation.OwnerId,
    region,
    availabilityZone: instance.Placement?.AvailabilityZone ?? null,
    instanceType: instance.InstanceType,
    state: instance.State?.Name ?? 'unknown',
    launchTime: instance.LaunchTime ?? null,
    platform:
      instance.PlatformDetails ??
      (String(instance.Platform ?? '').toLowerCase() === 'windows' ? 'Windows' : 'Linux/UNIX'),
    usageOperation: instance.UsageOperation ?? null,
    tenancy: instance.Placement?.Tenancy ?? null,
    architecture: instance.Architecture ?? null,
    lifecycle: instance.InstanceLifecycle ?? 'on-demand',
    rootDeviceType: instance.RootDeviceType ?? null,
    tags,
    autoScalingGroup: tags[ASG_TAG] ?? null,
  };
}

/**
 * Every instance of the region, one page at a time (DescribeInstances, 1,000 per page), so a
 * caller can store each page before asking for the next.
 */
export async function* listInstances(client: EC2Client, region: string): AsyncGenerator<InventoryInstance[]> {
  let nextToken: string | undefined;
  do {
    const page = await awsCall('ec2:DescribeInstances', () =>
      client.send(new DescribeInstancesCommand({ MaxResults: INSTANCES_PAGE, NextToken: nextToken })),
    );
    const rows: InventoryInstance[] = [];
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        const row = toInventoryInstance(instance, reservation, region);
        if (row) rows.push(row);
      }
    }
    yield rows;
    nextToken = page.NextToken || undefined;
  } while (nextToken);
}

/** "25 Gigabit" -> 25000; labels such as "Up to 10 Gigabit" or "High" are not a sustained figure. */
function sustainedMbpsFromLabel(label: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?) Gigabit$/.exec(label ?? '');
  return m ? Number(m[1]) * 1000 : null;
}

function archOf(info: InstanceTypeInfo): InstanceTypeSpec['arch'] | null {
  const archs = info.ProcessorInfo?.SupportedArchitectures ?? [];
  if (archs.some((a) => a === 'arm64' || a === 'arm64_mac')) return 'arm64';
  if (archs.some((a) => a === 'x86_64' || a === 'x86_64_mac')) return 'x86_64';
  return null;
}

/**
 * Maps DescribeInstanceTypes output to a spec; null for types costbot cannot size (32-bit only,
 * no vCPU or memory figure). The API publishes no CPU-credit baseline; burstable types take it
 * from AWS's documented credit table (catalog/burstable-baselines.ts), else null.
 */
export function toInstanceTypeSpec(info: InstanceTypeInfo): Ec2InstanceType | null {
  const instanceType = info.InstanceType;
  const vcpu = info.VCpuInfo?.DefaultVCpus;
  const memoryMib = info.MemoryInfo?.SizeInMiB;
  const arch = archOf(info);
  if (!instanceType || !vcpu || !memoryMib || !arch) return null;
  const card = info.NetworkInfo?.NetworkCards?.[0];
  const baselineGbps = card?.BaselineBandwidthInGbps;
  const ebsMBps = info.EbsInfo?.EbsOptimizedInfo?.BaselineThroughputInMBps;
  const burstable = info.BurstablePerformanceSupported ?? false;
  return {
    instanceType,
    family: instanceType.split('.')[0]!,
    vcpu,
    memoryMib,
    networkPerformance: info.NetworkInfo?.NetworkPerformance ?? null,
    networkBandwidthMbps:
      baselineGbps !== undefined ? baselineGbps * 1000 : sustainedMbpsFromLabel(info.NetworkInfo?.NetworkPerformance),
    // BaselineThroughputInMBps is megabytes per second; the catalog counts megabits.
    ebsBandwidthMbps: ebsMBps !== undefined ? ebsMBps * 8 : null,
    arch,
    burstable,
    baselineCpuPercent: burstable ? burstableBaselinePercent(instanceType) : null,
    currentGeneration: info.CurrentGeneration ?? false,
    gpuCount: (info.GpuInfo?.Gpus ?? []).reduce((n, g) => n + (g.Count ?? 0), 0),
  };
}

/** Every instance type offered in the client's region (DescribeInstanceTypes, 100 per page). */
export async function listInstanceTypes(client: EC2Client): Promise<Ec2InstanceType[]> {
  const specs: Ec2InstanceType[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsCall('ec2:DescribeInstanceTypes', () =>
      client.send(new DescribeInstanceTypesCommand({ MaxResults: TYPES_PAGE, NextToken: nextToken })),
    );
    for (const info of page.InstanceTypes ?? []) {
      const spec = toInstanceTypeSpec(info);
      if (spec) specs.push(spec);
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return specs;
}
