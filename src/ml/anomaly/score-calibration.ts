/**
 * Turns raw Isolation Forest scores into comparable scores in [0, 1].
 *
 * A raw score means little on its own: its typical level depends on the series and the model. So
 * each model is calibrated against its own training rows (conformal style): the tail probability
 * of a new raw score is the share of training rows that scored at least as high, and beyond the
 * top `tailFraction` of them an exponential tail fitted to those top scores (peaks over threshold,
 * as in SPOT, Siffer et al. KDD 2017) keeps ranking points that are more isolated than anything
 * seen. The anomaly score is -log10(p) / 8, capped at 1: 0.5 means p = 1e-4.
 */
import { lowerBound } from '../percentile.js';

/** A model's calibration: its training rows' raw scores, ascending, and the fitted tail. */
export interface Calibration {
  sorted: Float64Array;
  /** Raw score where the exponential tail starts. */
  tailStart: number;
  /** Mean excess over `tailStart` of the scores above it. */
  tailScale: number;
  /** Number of training scores at or above `tailStart`. */
  tailCount: number;
}

/** The smallest tail probability the score scale tells apart (score 1). */
export const MIN_TAIL_PROBABILITY = 1e-8;

export function fitCalibration(rawScores: ArrayLike<number>, tailFraction = 0.02): Calibration {
  const sorted = Float64Array.from(rawScores).sort();
  const n = sorted.length;
  if (n === 0) throw new RangeError('fitCalibration needs at least one score');
  const tailCount = Math.min(n, Math.max(5, Math.floor(tailFraction * n)));
  const tailStart = sorted[n - tailCount]!;
  let excess = 0;
  for (let i = n - tailCount; i < n; i++) excess += sorted[i]! - tailStart;
  return { sorted, tailStart, tailScale: Math.max(excess / tailCount, 1e-9), tailCount };
}

/** P(a training row scores >= raw), with the exponential tail beyond `tailStart`. */
export function tailProbability(cal: Calibration, raw: number): number {
  const { sorted } = cal;
  const n = sorted.length;
  if (raw <= cal.tailStart) return (n - lowerBound(sorted, raw) + 1) / (n + 1);
  return (cal.tailCount / (n + 1)) * Math.exp(-(raw - cal.tailStart) / cal.tailScale);
}

/** -log10(p) / 8 in [0, 1]. */
export function probabilityToScore(p: number): number {
  return Math.min(1, Math.max(0, Math.log(p) / Math.log(MIN_TAIL_PROBABILITY)));
}

/** Inverse of `probabilityToScore`, for reading thresholds. */
export function scoreToProbability(score: number): number {
  return Math.pow(MIN_TAIL_PROBABILITY, score);
}

export interface RepeatSuppression {
  /** Steps after a score during which a weaker or equal one is muted. */
  cooldown: number;
  /** A score within the cooldown passes only if it beats the highest recent one by this much. */
  margin: number;
}

/**
 * Mutes repeats: the score of step t becomes 0 unless it exceeds every score of the `cooldown`
 * steps before it by `margin`. One event (a burst, a level shift seen by several rolling windows)
 * then raises one alarm at its onset instead of one per step, whatever threshold is applied
 * later, while a clearly stronger event within the cooldown still comes through. Causal: it reads
 * the unmuted scores of earlier steps only.
 */
export function suppressRepeats(scores: ArrayLike<number>, options: RepeatSuppression): Float64Array {
  const out = new Float64Array(scores.length);
  for (let t = 0; t < scores.length; t++) {
    const s = scores[t]!;
    let recent = 0;
    for (let i = Math.max(0, t - options.cooldown); i < t; i++) {
      const v = scores[i]!;
      if (v > recent) recent = v;
    }
    out[t] = Number.isNaN(s) ? Number.NaN : s > recent + options.margin ? s : 0;
  }
  return out;
}
