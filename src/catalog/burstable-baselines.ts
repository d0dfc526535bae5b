/**
 * Baseline CPU utilization per vCPU of the burstable (T) instance types, in percent.
 *
 * Source: Amazon EC2 User Guide, "Key concepts for burstable performance instances", credit
 * table, column "Baseline utilization per vCPU"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html).
 * Each row agrees with the table's "CPU credits earned per hour" column:
 * credits/hour = baseline % / 100 x vCPUs x 60 (one credit is one vCPU at 100 % for a minute).
 *
 * The catalog CSV has no baseline column, so a burstable type missing here gets a null baseline
 * and is never offered as a candidate: a baseline is never guessed.
 */
const BASELINE_PER_VCPU_PERCENT: Readonly<Record<string, number>> = {
  't2.nano': 5,
  't2.micro': 10,
  't2.small': 20,
  't2.medium': 20,
  't2.large': 30,
  't2.xlarge': 22.5,
  't2.2xlarge': 17,
  't3.nano': 5,
  't3.micro': 10,
  't3.small': 20,
  't3.medium': 20,
  't3.large': 30,
  't3.xlarge': 40,
  't3.2xlarge': 40,
  't3a.nano': 5,
  't3a.micro': 10,
  't3a.small': 20,
  't3a.medium': 20,
  't3a.large': 30,
  't3a.xlarge': 40,
  't3a.2xlarge': 40,
  't4g.nano': 5,
  't4g.micro': 10,
  't4g.small': 20,
  't4g.medium': 20,
  't4g.large': 30,
  't4g.xlarge': 40,
  't4g.2xlarge': 40,
};

/** T1, T2, T3, T3a, T4g and any later T family earn and spend CPU credits. */
export function isBurstableFamily(family: string): boolean {
  return /^t\d+[a-z]*$/.test(family);
}

/** Per-vCPU baseline in percent, or null when AWS's table (as copied above) does not list the type. */
export function burstableBaselinePercent(instanceType: string): number | null {
  return BASELINE_PER_VCPU_PERCENT[instanceType] ?? null;
}
