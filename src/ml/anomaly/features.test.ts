import { describe, expect, it } from 'vitest';
import { readNabCut } from '../../../test/anomaly/fixtures.js';
import { detectorFeatures, rollingMean, seasonalDistance, seasonalEffect, windowsForStep } from './features.js';
import { DAY_MS, HOUR_MS } from '../../days.js';

describe('features on a real series (NAB rds_cpu_utilization_e47b3b, first 1300 rows)', async () => {
  const cut = await readNabCut('rds_cpu_utilization_e47b3b.csv');
  const x = cut.values;
  const t = 950; // four rows after the labelled spike (76.23 at row 946): x[947..950] = 65.835, 21.666, 17.668, 16.668

  // Expected values computed independently in python from the CSV:
  //   mean(x[948:951]) = 18.667333333333335; mean(x[927:951]) = 18.910458333333334
  //   min |x[950] - x[i]| for i in 656..668 = 2.336
  it('picks windows from the step', () => {
    expect(windowsForStep(5 * 60_000)).toEqual({
      stepMs: 300_000,
      short: 3,
      long: 24,
      season: 288,
      seasonTolerance: 6,
    });
    expect(windowsForStep(HOUR_MS)).toMatchObject({ season: 24, seasonTolerance: 1 });
    expect(windowsForStep(DAY_MS)).toMatchObject({ season: 7, seasonTolerance: 0 });
    expect(windowsForStep(7 * DAY_MS)).toMatchObject({ season: 0 });
  });

  it('rolling means', () => {
    expect(rollingMean(x, 3)[t]).toBeCloseTo(18.667333333333335, 10);
    expect(rollingMean(x, 24)[t]).toBeCloseTo(18.910458333333334, 10);
  });

  it('seasonal distance looks one day back within +/- 30 minutes', () => {
    expect(seasonalDistance(x, 288, 6)[t]).toBeCloseTo(2.336, 10);
    expect(seasonalDistance(x, 288, 6)[10]).toBe(0);
  });

  it('the detector feature matrix holds those columns, row-major', () => {
    const fm = detectorFeatures(x, windowsForStep(300_000));
    expect(fm.names).toEqual(['value', 'mean_3', 'mean_24', 'seasonal_distance_288']);
    expect(Array.from(fm.data.subarray(t * 4, t * 4 + 4))).toEqual([
      x[t],
      rollingMean(x, 3)[t],
      rollingMean(x, 24)[t],
      seasonalDistance(x, 288, 6)[t],
    ]);
  });

  it('is causal: features of a prefix equal the prefix of the features', () => {
    const full = detectorFeatures(x, windowsForStep(300_000));
    const prefix = detectorFeatures(x.slice(0, t + 1), windowsForStep(300_000));
    expect(prefix.data).toEqual(full.data.subarray(0, (t + 1) * 4));
  });
});

describe('gaps', () => {
  it('rolling statistics use the values present; a gap has NaN features', () => {
    const v = [10, Number.NaN, 20, 30];
    expect(Array.from(rollingMean(v, 2))).toEqual([10, 10, 20, 25]);
    const fm = detectorFeatures(v, windowsForStep(DAY_MS));
    expect(fm.data[1 * 4]).toBeNaN();
    expect(fm.data[2 * 4 + 1]).toBe(15); // mean_3 of 10, gap, 20
  });

  it('seasonal effect is the mean deviation at the same phase in earlier seasons', () => {
    // Weekly pattern: Mondays (index 0, 7) 10 above a flat 100 level.
    const v = Array.from({ length: 15 }, (_, i) => (i % 7 === 0 ? 110 : 100));
    const effect = seasonalEffect(v, 7, 28, 4);
    // Index 14: earlier Mondays 0 and 7; their rolling means are 110 (one value) and (110 + 6 * 100 + 110) / 8 = 102.5,
    // so the deviations are 0 and 7.5, mean 3.75.
    expect(effect[14]).toBeCloseTo(3.75, 12);
  });
});
