import { context } from './kit.js';

/**
 * The seed's tooltips, as context blocks under each ML figure: what the number means and what it
 * does not. Kept in one place so every view explains a figure the same way.
 */
export const TIP = {
  score:
    ':information_source: *Score* (0–1): how easily the Isolation Forest, trained on this scope’s own cost history, isolates the day’s pattern. Higher is more unusual; it is not a probability.',
  severity:
    ':information_source: *Severity* weighs the score together with the dollar and percent impact, so a strange but tiny change stays low.',
  impact:
    ':information_source: *Impact* = actual − expected cost over the anomaly’s days; *expected* is the model’s baseline for those days.',
  risk: ':information_source: *Risk*: how likely the new type is to be too small — higher when the usage peak is close to its capacity, memory is not measured, or usage changed during the lookback.',
  confidence:
    ':information_source: *Confidence* (0–100 %): how much data backs the figure — share of the lookback with metrics, how stable usage was, whether memory was reported.',
  savings:
    ':information_source: *Savings* use on-demand Linux prices for the instance’s region and 730 hours a month; unknown prices are never estimated.',
  interval:
    ':information_source: *Interval*: the range the model expects spend to fall in at the stated level if the past pattern holds; it widens with the horizon.',
} as const;

export const anomalyTips = () => context(TIP.score, TIP.severity, TIP.impact);
export const recommendationTips = () => context(TIP.risk, TIP.confidence, TIP.savings);
