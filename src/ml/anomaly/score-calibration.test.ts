import { describe, expect, it } from 'vitest';
import {
  fitCalibration,
  probabilityToScore,
  scoreToProbability,
  suppressRepeats,
  tailProbability,
} from './score-calibration.js';

describe('calibration', () => {
  // 100 training scores 0.01, 0.02, ..., 1.00; the top 5 (the minimum tail) start at 0.96.
  const training = Array.from({ length: 100 }, (_, i) => (i + 1) / 100);
  const cal = fitCalibration(training, 0.02);

  it('fits an exponential tail to the top scores', () => {
    expect(cal.tailCount).toBe(5);
    expect(cal.tailStart).toBeCloseTo(0.96, 12);
    // Mean excess of 0.96..1.00 over 0.96 = (0 + .01 + .02 + .03 + .04) / 5 = 0.02.
    expect(cal.tailScale).toBeCloseTo(0.02, 12);
  });

  it('is the empirical tail share below the tail, plus-one smoothed', () => {
    // 51 of 100 scores are >= 0.5: (51 + 1) / 101.
    expect(tailProbability(cal, 0.5)).toBeCloseTo(52 / 101, 12);
    expect(tailProbability(cal, 0.001)).toBe(1);
  });

  it('keeps ranking beyond the largest training score', () => {
    // 5 / 101 * exp(-(1.1 - 0.96) / 0.02)
    expect(tailProbability(cal, 1.1)).toBeCloseTo((5 / 101) * Math.exp(-7), 12);
    expect(tailProbability(cal, 1.2)).toBeLessThan(tailProbability(cal, 1.1));
  });

  it('maps a probability to -log10(p) / 8 in [0, 1] and back', () => {
    expect(probabilityToScore(1e-4)).toBeCloseTo(0.5, 12);
    expect(probabilityToScore(1e-3)).toBeCloseTo(0.375, 12);
    expect(probabilityToScore(1e-12)).toBe(1);
    expect(probabilityToScore(1)).toBe(0);
    expect(scoreToProbability(0.5)).toBeCloseTo(1e-4, 15);
  });
});

describe('suppressRepeats', () => {
  it('keeps the onset of an event and mutes its weaker or barely stronger repeats within the cooldown', () => {
    const scores = [0.1, 0.5, 0.45, 0.51, 0.6, 0.1, 0.1, 0.1, 0.55];
    // 0.5 beats 0.1 by > 0.02; 0.45 and 0.51 do not beat 0.5 + 0.02; 0.6 does; the last 0.55 comes
    // after a cooldown of 3 steps has cleared the 0.6.
    expect(Array.from(suppressRepeats(scores, { cooldown: 3, margin: 0.02 }))).toEqual([
      0.1, 0.5, 0, 0, 0.6, 0, 0, 0, 0.55,
    ]);
  });

  it('keeps gaps as NaN and reads only earlier steps', () => {
    const out = suppressRepeats([0.3, Number.NaN, 0.2], { cooldown: 5, margin: 0 });
    expect(out[1]).toBeNaN();
    expect(out[2]).toBe(0);
  });
});
