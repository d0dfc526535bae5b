import type { InstanceTypeSpec } from '../src/catalog/types.js';
import { type BitbrainsRow, demandVcpu } from '../test/support/bitbrains.js';

/** T2 Standard gets 30 launch credits per vCPU at start; T3, T3a and T4g standard get none. */
function launchCredits(spec: InstanceTypeSpec): number {
  return spec.family === 't2' ? 30 * spec.vcpu : 0;
}

export interface ReplayResult {
  intervals: number;
  /** Intervals where the VM's CPU demand or used memory exceeded what the type gave it. */
  shortfalls: number;
  cpuShortfalls: number;
  memoryShortfalls: number;
}

/**
 * Replays the VM's real 5-minute demand on `spec`. Written apart from src/ml on purpose, so the
 * method is not judged by its own arithmetic. A burstable type runs in standard credit mode
 * (Amazon EC2 User Guide, "Standard mode concepts"): it earns baseline x vCPUs x minutes credits,
 * spends one per vCPU-minute used, keeps at most 24 hours of earnings, starts with its launch
 * credits (none for T3/T3a/T4g), and is held at what its credits allow when they run out.
 */
export function replayOnType(rows: readonly BitbrainsRow[], spec: InstanceTypeSpec, periodSeconds = 300): ReplayResult {
  const memKb = spec.memoryMib * 1024;
  const minutes = periodSeconds / 60;
  const baseline = spec.burstable ? (spec.baselineCpuPercent ?? 0) / 100 : 1;
  const earn = baseline * spec.vcpu * minutes;
  const cap = baseline * spec.vcpu * 60 * 24;
  let credits = launchCredits(spec);
  const result: ReplayResult = { intervals: rows.length, shortfalls: 0, cpuShortfalls: 0, memoryShortfalls: 0 };
  for (const row of rows) {
    const demand = demandVcpu(row);
    let cpuShort = demand > spec.vcpu + 1e-9;
    if (spec.burstable) {
      const used = Math.min(demand, spec.vcpu) * minutes;
      const available = credits + earn;
      if (used > available + 1e-9) cpuShort = true;
      // T2 launch credits really sit outside the cap; keeping them inside it errs on the safe side.
      credits = Math.max(0, Math.min(cap, available - used));
    }
    const memShort = row.memUsedKb > memKb;
    if (cpuShort) result.cpuShortfalls++;
    if (memShort) result.memoryShortfalls++;
    if (cpuShort || memShort) result.shortfalls++;
  }
  return result;
}
