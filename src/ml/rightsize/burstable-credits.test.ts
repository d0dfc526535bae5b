import { describe, expect, it } from 'vitest';
import { replayStandardCredits } from './burstable-credits.js';

/**
 * AWS's worked example (Amazon EC2 User Guide, "Standard mode examples", Example 1: a t3.nano,
 * 2 vCPUs, 5 % baseline per vCPU, 6 credits/hour, cap 144): idle for 24 h the balance reaches
 * 144; then 24 h at 7 % CPU spends 201.6 credits against 144 earned, leaving 86.4 and never
 * throttling. The demand here is that published scenario, hour by hour.
 */
describe('replayStandardCredits', () => {
  const hours = (n: number, cpuPercent: number): number[] => Array.from({ length: n }, () => (cpuPercent / 100) * 2);

  it('follows the AWS t3.nano example without throttling', () => {
    const result = replayStandardCredits([...hours(24, 0), ...hours(24, 7)], 3600, 2, 5);
    expect(result.throttledPeriods).toBe(0);
    expect(result.burstPeriods).toBe(24);
  });

  it('throttles once the example keeps running above baseline past its 86.4 credits', () => {
    // Each further hour at 7 % nets -2.4 credits: 86.4 / 2.4 = 36 hours until the balance is empty.
    const result = replayStandardCredits([...hours(24, 0), ...hours(24, 7), ...hours(40, 7)], 3600, 2, 5);
    expect(result.throttledPeriods).toBe(4);
  });

  it('starts from an empty balance, as T3/T3a/T4g standard get no launch credits', () => {
    expect(replayStandardCredits(hours(1, 7), 3600, 2, 5).throttledPeriods).toBe(1);
    expect(replayStandardCredits(hours(1, 7), 3600, 2, 5, 30).throttledPeriods).toBe(0);
  });
});
