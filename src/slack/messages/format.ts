import type { Risk } from '../../db/schema/index.js';
import type { Severity } from '../../ml/anomaly/severity.js';

const usd0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const usd2 = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** "$1,234" for large amounts, "$12.34" under $1,000; null (no price) says so instead of a number. */
export function money(usd: number | null): string {
  if (usd === null) return 'unknown (no price)';
  return Math.abs(usd) >= 1000 ? usd0.format(usd) : usd2.format(usd);
}

/** "+12.3 %" or "−4.0 %"; null (expected cost was zero) reads "new cost". */
export function signedPercent(p: number | null): string {
  if (p === null) return 'new cost';
  const sign = p > 0 ? '+' : p < 0 ? '−' : '';
  return `${sign}${Math.abs(p).toFixed(1)} %`;
}

export function percent(p: number | null | undefined, digits = 0): string {
  return p === null || p === undefined ? 'n/a' : `${p.toFixed(digits)} %`;
}

export const SEVERITY_BADGE: Record<Severity, string> = {
  critical: ':red_circle: critical',
  high: ':large_orange_circle: high',
  medium: ':large_yellow_circle: medium',
  low: ':white_circle: low',
};

export const RISK_BADGE: Record<Risk, string> = {
  low: ':large_green_circle: low risk',
  medium: ':large_yellow_circle: medium risk',
  high: ':red_circle: high risk',
};

/** Confidence 0..1 as a word and a percentage, e.g. "high (86 %)". */
export function confidenceText(c: number): string {
  const word = c >= 0.75 ? 'high' : c >= 0.5 ? 'medium' : 'low';
  return `${word} (${Math.round(c * 100)} %)`;
}

/** "2018-11-03" or "2018-11-03 → 2018-11-05". */
export function dayRange(start: string, end: string): string {
  return start === end ? start : `${start} → ${end}`;
}

/** UTC "2026-07-20 06:30 UTC", or "never". */
export function when(d: Date | null): string {
  if (d === null) return 'never';
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "3 h ago", "2 d ago": how old a timestamp is relative to `now`. */
export function age(d: Date | null, now: Date): string {
  if (d === null) return 'never';
  const minutes = Math.max(0, Math.round((now.getTime() - d.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}
