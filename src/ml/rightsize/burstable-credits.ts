/** How a burstable type in standard credit mode would have carried a CPU demand series. */
export interface CreditReplay {
  /** Periods where the demand needed more than the vCPUs or the credits left (CPU held at baseline). */
  throttledPeriods: number;
  /** Periods where the demand was above the baseline, paid from credits. */
  burstPeriods: number;
}

/**
 * Replays vCPU demand per period on a burstable type in standard mode (Amazon EC2 User Guide,
 * "Standard mode concepts"): credits are earned at the baseline rate (one credit = one vCPU at
 * 100 % for a minute), spent by use, capped at 24 hours of earnings, and when they run out the
 * CPU is held at the baseline. T3, T3a and T4g get no launch credits in standard mode, so the
 * replay starts from an empty balance unless `startCredits` says otherwise.
 */
export function replayStandardCredits(
  demandVcpu: readonly number[],
  periodSeconds: number,
  vcpu: number,
  baselinePerVcpuPercent: number,
  startCredits = 0,
): CreditReplay {
  const minutes = periodSeconds / 60;
  const earnPerPeriod = (baselinePerVcpuPercent / 100) * vcpu * minutes;
  const cap = (baselinePerVcpuPercent / 100) * vcpu * 60 * 24;
  let balance = Math.min(startCredits, cap);
  let throttledPeriods = 0;
  let burstPeriods = 0;
  for (const demand of demandVcpu) {
    const wanted = Math.min(demand, vcpu) * minutes;
    const available = balance + earnPerPeriod;
    // A tolerance for floating-point sums: an exactly spent balance is not a shortfall.
    if (demand > vcpu || wanted > available + 1e-9) throttledPeriods++;
    else if (wanted > earnPerPeriod) burstPeriods++;
    balance = Math.min(cap, Math.max(0, available - wanted));
  }
  return { throttledPeriods, burstPeriods };
}
