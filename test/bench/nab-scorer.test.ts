import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNabResults, readNabWindows } from '../support/nab-corpus.js';
import { scaledSigmoid, scoreNab, scoreNabProfiles, NAB_PROFILES, type NabFile } from '../../bench/nab-scorer.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/anomaly/nab');
const SHARED = join(import.meta.dirname, '../../../shared/data/nab-aws');

describe('scaledSigmoid', () => {
  it('matches NAB: 2 / (1 + e^(5x)) - 1, and -1 beyond 3', () => {
    expect(scaledSigmoid(0)).toBe(0);
    // 2 / (1 + e^-5) - 1 = 0.98661429815...
    expect(scaledSigmoid(-1)).toBeCloseTo(0.9866142981514305, 15);
    expect(scaledSigmoid(3.5)).toBe(-1);
  });
});

describe('scoreNab on a hand-computed file', () => {
  // 20 rows, probation floor(0.15 * 20) = 3 rows, one window on rows 10..13.
  const timestamps = Array.from({ length: 20 }, (_, i) => `2014-01-01 00:${String(i).padStart(2, '0')}:00`);
  const windows: [string, string][] = [[timestamps[10]!, timestamps[13]!]];
  const file = (hits: number[]): NabFile => ({
    name: 'x/a.csv',
    timestamps,
    windows,
    scores: timestamps.map((_, i) => (hits.includes(i) ? 1 : 0)),
  });

  it('scores 100 for one detection at the window start and nothing else', () => {
    // Earliest position -(13 - 10 + 1) / 4 = -1: sweep = scaledSigmoid(-1) / scaledSigmoid(-1) = 1; raw 1, null -1, perfect 1.
    expect(scoreNab([file([10])], NAB_PROFILES.standard)).toMatchObject({ raw: 1, score: 100, windows: 1 });
  });

  it('charges a false positive before the window fpWeight, and ignores the probation rows', () => {
    // Row 5 before the window: -1 * 0.11; row 1 is in probation. raw 0.89 -> 100 * 1.89 / 2 = 94.5.
    const r = scoreNab([file([1, 5, 10])], NAB_PROFILES.standard, 1);
    expect(r.raw).toBeCloseTo(0.89, 12);
    expect(r.score).toBeCloseTo(94.5, 10);
  });

  it('counts a missed window as -fnWeight', () => {
    expect(scoreNab([file([])], NAB_PROFILES.reward_low_FN_rate, 0.5)).toMatchObject({ raw: -2, score: 0 });
  });
});

describe('scoreNab reproduces ../shared/tools/nab_score.py', () => {
  it('on the fixture subset (Numenta HTM results for 2 files, 3 windows)', async () => {
    const windows = await readNabWindows(join(FIXTURES, 'numenta-windows.json'));
    const files = await readNabResults(join(FIXTURES, 'numenta'), windows);
    // python3 nab_score.py numenta-windows.json numenta:
    // standard 60.69 raw 0.642, low_FP 57.03 raw 0.422, low_FN 62.68 raw -0.358, threshold 0.364372693109
    const r = scoreNabProfiles(files);
    expect(r.standard.threshold).toBe(0.364372693109);
    expect(r.standard.score).toBeCloseTo(60.69, 2);
    expect(r.standard.raw).toBeCloseTo(0.642, 3);
    expect(r.reward_low_FP_rate.score).toBeCloseTo(57.03, 2);
    expect(r.reward_low_FP_rate.raw).toBeCloseTo(0.422, 3);
    expect(r.reward_low_FN_rate.score).toBeCloseTo(62.68, 2);
    expect(r.reward_low_FN_rate.raw).toBeCloseTo(-0.358, 3);
    // --threshold 0.5: 29.19 / 27.36 / 30.57
    const fixed = scoreNabProfiles(files, 0.5);
    expect(
      [fixed.standard.score, fixed.reward_low_FP_rate.score, fixed.reward_low_FN_rate.score].map(
        (s) => Math.round(s * 100) / 100,
      ),
    ).toEqual([29.19, 27.36, 30.57]);
  });

  it.skipIf(!existsSync(SHARED))('on all 17 files of numenta-reference: 73.42 standard', async () => {
    const windows = await readNabWindows(join(SHARED, 'windows.json'));
    const r = scoreNabProfiles(await readNabResults(join(SHARED, 'numenta-reference'), windows));
    // The python scorer's unrounded raw figures.
    expect(r.standard.raw).toBeCloseTo(14.051419429569597, 9);
    expect(r.standard.score).toBeCloseTo(73.419032382616, 9);
    expect(r.reward_low_FP_rate.score).toBeCloseTo(68.74590952474904, 9);
    expect(r.reward_low_FN_rate.score).toBeCloseTo(76.72379936618844, 9);
    expect(r.standard.threshold).toBe(0.547289439756);
  });
});
