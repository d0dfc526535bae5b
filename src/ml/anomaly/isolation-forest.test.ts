import { describe, expect, it } from 'vitest';
import { readNabCut } from '../../../test/anomaly/fixtures.js';
import { detectorFeatures, windowsForStep } from './features.js';
import {
  averagePathLength,
  forestFromJson,
  forestToJson,
  isolationScore,
  isolationScores,
  trainAndScore,
  trainIsolationForest,
} from './isolation-forest.js';

describe('averagePathLength c(n)', () => {
  it('matches Liu et al.: c(n) = 2 H(n - 1) - 2 (n - 1) / n with H(i) = ln i + 0.5772156649', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // 2 * (ln 255 + 0.5772156649) - 2 * 255 / 256 = 2 * 6.118619... - 1.9921875
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649015329) - 510 / 256, 12);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 4);
  });
});

describe('trainIsolationForest on a real series (NAB ec2_cpu_utilization_ac20cd, rows 2400-4031)', async () => {
  const cut = await readNabCut('ec2_cpu_utilization_ac20cd.csv');
  const fm = detectorFeatures(cut.values, windowsForStep(300_000));
  const d = fm.names.length;
  // Rows 0..1099 are the calm ~34 % level; the jump to ~99 % starts at row 1157 (2014-04-15 03:34 +).
  const forest = trainIsolationForest(fm.data, d, 0, 1100, { seed: 7 });

  it('uses 100 trees grown on 256-row samples, height limit 8', () => {
    expect(forest.roots.length).toBe(100);
    expect(forest.sampleSize).toBe(256);
    expect(forest.roots[1]! - forest.roots[0]!).toBeLessThanOrEqual(2 ** 9 - 1);
  });

  it('scores the level-shift rows above every calm training row', () => {
    const calm = isolationScores(forest, fm.data, 0, 1100);
    const shifted = isolationScores(forest, fm.data, 1200, 1300);
    expect(Math.min(...shifted)).toBeGreaterThan(Math.max(...calm));
    expect(Math.min(...shifted)).toBeGreaterThan(0.7);
  });

  it('is repeatable: the same seed gives the same forest, another seed another', () => {
    const again = trainIsolationForest(fm.data, d, 0, 1100, { seed: 7 });
    expect(forestToJson(again)).toEqual(forestToJson(forest));
    expect(forestToJson(trainIsolationForest(fm.data, d, 0, 1100, { seed: 8 }))).not.toEqual(forestToJson(forest));
  });

  it('round-trips through JSON without changing a score', () => {
    const restored = forestFromJson(JSON.parse(JSON.stringify(forestToJson(forest))));
    expect(isolationScores(restored, fm.data, 0, fm.rows)).toEqual(isolationScores(forest, fm.data, 0, fm.rows));
    expect(isolationScore(forest, fm.data, 1250)).toBe(isolationScores(forest, fm.data, 1250, 1251)[0]);
  });

  it('range-aware scoring ranks a point far beyond the training range above one just beyond it; plain scoring cannot', () => {
    const row = (value: number) => Float64Array.from([value, value, value, 0]);
    const max = Math.max(...cut.values.slice(0, 1100));
    const near = row(max * 1.01);
    const far = row(max * 3);
    expect(isolationScore(forest, far, 0)).toBeGreaterThan(isolationScore(forest, near, 0) + 0.05);
    expect(isolationScore(forest, far, 0, false)).toBe(isolationScore(forest, near, 0, false));
  });
});

describe('trainAndScore', async () => {
  const cut = await readNabCut('rds_cpu_utilization_e47b3b.csv');
  const fm = detectorFeatures(cut.values, windowsForStep(300_000));

  it('trains the same forest and scores exactly like isolationScores, faster on the training rows', () => {
    for (const rangeAware of [true, false]) {
      const { forest, scores } = trainAndScore(fm.data, 4, 200, 700, {
        seed: 5,
        sampleSize: 250,
        scoreEnd: 800,
        rangeAware,
      });
      expect(forestToJson(forest)).toEqual(
        forestToJson(trainIsolationForest(fm.data, 4, 200, 700, { seed: 5, sampleSize: 250 })),
      );
      expect(scores).toEqual(isolationScores(forest, fm.data, 200, 800, rangeAware));
    }
  });
});

describe('trainAndScore out of bag', async () => {
  const cut = await readNabCut('rds_cpu_utilization_e47b3b.csv');
  const fm = detectorFeatures(cut.values, windowsForStep(300_000));
  const options = { seed: 5, sampleSize: 64, scoreEnd: 800, rangeAware: true };
  const all = trainAndScore(fm.data, 4, 200, 700, options).scores;
  const oob = trainAndScore(fm.data, 4, 200, 700, { ...options, outOfBag: true }).scores;
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;

  it('changes only the training rows: the rows after them are scored by every tree either way', () => {
    expect(oob.subarray(500)).toEqual(all.subarray(500));
    expect(oob.subarray(0, 500)).not.toEqual(all.subarray(0, 500));
  });

  it('scores training rows higher than all trees do: in its own sample a row looks more ordinary', () => {
    expect(mean(oob.subarray(0, 500))).toBeGreaterThan(mean(all.subarray(0, 500)));
  });

  it('with one tree: a sampled training row has no out-of-bag tree (0.5), any other keeps its score', () => {
    const one = { ...options, trees: 1 };
    const single = trainAndScore(fm.data, 4, 200, 700, one).scores;
    const singleOob = trainAndScore(fm.data, 4, 200, 700, { ...one, outOfBag: true }).scores;
    let sampled = 0;
    for (let r = 0; r < 500; r++) {
      if (singleOob[r] === 0.5) sampled++;
      else expect(singleOob[r]).toBe(single[r]);
    }
    expect(sampled).toBe(64);
  });

  it('gives the ordinary score 0.5 to a row every tree sampled (no out-of-bag tree)', () => {
    const whole = trainAndScore(fm.data, 4, 200, 264, { ...options, outOfBag: true }).scores;
    expect(Array.from(whole.subarray(0, 64))).toEqual(new Array(64).fill(0.5));
  });
});
