import { describe, expect, it } from 'vitest';
import { classifySeverity, DEFAULT_SEVERITY_THRESHOLDS, impactPercent } from './severity.js';

// Real CUR 2018 figures: the 2018-11-01 total ($299.20 against $149.51 expected from the 3 days
// before, +100.1 %), and AWS Glue's stop on 2018-11-21..27 ($0 against $684.26 expected).
describe('classifySeverity', () => {
  it('needs both the dollar and the percent impact by default (AWS "AND")', () => {
    expect(impactPercent(299.1978, 149.5148)).toBeCloseTo(100.11, 2);
    // Score 0.5 and +100 % but only $150: below high's $1,000, so medium.
    expect(classifySeverity({ score: 0.5, actualUsd: 299.1978, expectedUsd: 149.5148 })).toBe('medium');
    // The same change on a score below the alarm level is low.
    expect(classifySeverity({ score: 0.3, actualUsd: 299.1978, expectedUsd: 149.5148 })).toBe('low');
  });

  it('applies configurable thresholds, in USD and percent, with AND or OR', () => {
    const small = {
      medium: { minScore: 0.375, minImpactUsd: 10, minImpactPercent: 10 },
      high: { minScore: 0.45, minImpactUsd: 100, minImpactPercent: 50 },
      critical: { minScore: 0.6, minImpactUsd: 1_000, minImpactPercent: 90 },
      match: 'all' as const,
    };
    expect(classifySeverity({ score: 0.49, actualUsd: 0, expectedUsd: 684.26 }, small)).toBe('high');
    expect(
      classifySeverity(
        { score: 0.49, actualUsd: 0, expectedUsd: 684.26 },
        { ...small, high: { ...small.high, minImpactUsd: 1_000 } },
      ),
    ).toBe('medium');
    expect(classifySeverity({ score: 0.7, actualUsd: 0, expectedUsd: 684.26 }, { ...small, match: 'any' })).toBe(
      'critical',
    );
    expect(classifySeverity({ score: 0.7, actualUsd: 0, expectedUsd: 684.26 }, small)).toBe('high');
  });

  it('treats new spend on a zero expectation as an unbounded percent', () => {
    expect(impactPercent(12, 0)).toBe(Infinity);
    expect(impactPercent(0, 0)).toBe(0);
    expect(classifySeverity({ score: 0.9, actualUsd: 20_000, expectedUsd: 0 }, DEFAULT_SEVERITY_THRESHOLDS)).toBe(
      'critical',
    );
  });
});
