/**
 * Severity of an anomaly from its score and its dollar impact. Like AWS Cost Anomaly Detection's
 * alert thresholds, a level can require an absolute impact (USD), a percent impact, or both.
 */

/** Severity levels, lowest first (the order the thresholds and filters use). */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What an anomaly must reach to be given one severity level. */
export interface SeverityLevel {
  /** Minimum anomaly score (0..1). */
  minScore: number;
  /** Minimum |actual - expected| in USD. */
  minImpactUsd: number;
  /** Minimum |actual - expected| / expected, in percent. */
  minImpactPercent: number;
}

export interface SeverityThresholds {
  medium: SeverityLevel;
  high: SeverityLevel;
  critical: SeverityLevel;
  /**
   * `all`: a level needs both the USD and the percent impact (AWS's "AND", quiet on small or
   * relatively tiny changes); `any`: either is enough (AWS's "OR"). @defaultValue 'all'
   */
  match: 'all' | 'any';
}

/**
 * Defaults: an alarm (score 0.375, tail probability 1e-3) of at least $100 and 10 % is medium;
 * high and critical need rarer scores and larger impacts. Anything below medium is low.
 */
export const DEFAULT_SEVERITY_THRESHOLDS: SeverityThresholds = {
  medium: { minScore: 0.375, minImpactUsd: 100, minImpactPercent: 10 },
  high: { minScore: 0.5, minImpactUsd: 1_000, minImpactPercent: 20 },
  critical: { minScore: 0.625, minImpactUsd: 10_000, minImpactPercent: 50 },
  match: 'all',
};

export interface Impact {
  score: number;
  actualUsd: number;
  expectedUsd: number;
}

/** (actual - expected) / expected in percent; Infinity for new spend on a zero expectation. */
export function impactPercent(actualUsd: number, expectedUsd: number): number {
  const delta = actualUsd - expectedUsd;
  if (expectedUsd > 0) return (100 * delta) / expectedUsd;
  return delta === 0 ? 0 : delta > 0 ? Infinity : -Infinity;
}

function reaches(level: SeverityLevel, impact: Impact, match: 'all' | 'any'): boolean {
  if (impact.score < level.minScore) return false;
  const usd = Math.abs(impact.actualUsd - impact.expectedUsd) >= level.minImpactUsd;
  const pct = Math.abs(impactPercent(impact.actualUsd, impact.expectedUsd)) >= level.minImpactPercent;
  return match === 'all' ? usd && pct : usd || pct;
}

export function classifySeverity(
  impact: Impact,
  thresholds: SeverityThresholds = DEFAULT_SEVERITY_THRESHOLDS,
): Severity {
  if (reaches(thresholds.critical, impact, thresholds.match)) return 'critical';
  if (reaches(thresholds.high, impact, thresholds.match)) return 'high';
  if (reaches(thresholds.medium, impact, thresholds.match)) return 'medium';
  return 'low';
}
