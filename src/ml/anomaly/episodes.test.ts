import { describe, expect, it } from 'vitest';
import { mergeAnomalousDays, type ScoredDay } from './episodes.js';

// AWS Glue, CUR 2018: its dev endpoints stopped on 2018-11-21 (cost $0 from then on).
const day = (d: string, score: number, actualUsd: number, expectedUsd: number): ScoredDay => ({
  day: d,
  score,
  actualUsd,
  expectedUsd,
});

describe('mergeAnomalousDays', () => {
  it('merges consecutive anomalous days into one anomaly with duration, peak and impact', () => {
    const days = [
      day('2018-11-19', 0.24, 101.3125, 99.1),
      day('2018-11-20', 0.22, 92.2344, 98.2),
      day('2018-11-21', 0.41, 0, 98.756),
      day('2018-11-22', 0.49, 0, 104.0125),
      day('2018-11-23', 0.45, 0, 102.7759),
      day('2018-11-24', 0.3, 0, 101.1284),
    ];
    expect(mergeAnomalousDays(days, 0.375)).toEqual([
      {
        startDay: '2018-11-21',
        endDay: '2018-11-23',
        durationDays: 3,
        peakScore: 0.49,
        peakDay: '2018-11-22',
        actualUsd: 0,
        expectedUsd: 98.756 + 104.0125 + 102.7759,
        impactUsd: -(98.756 + 104.0125 + 102.7759),
        impactPercent: -100,
      },
    ]);
  });

  it('bridges a gap day between anomalous days, and splits on a normal day', () => {
    const days = [
      day('2018-11-21', 0.41, 0, 98.756),
      day('2018-11-22', Number.NaN, Number.NaN, 104.0125),
      day('2018-11-23', 0.45, 0, 102.7759),
      day('2018-11-24', 0.1, 0, 101.1284),
      day('2018-11-25', 0.5, 0, 96.3793),
    ];
    const episodes = mergeAnomalousDays(days, 0.375);
    expect(episodes.map((e) => [e.startDay, e.endDay, e.durationDays])).toEqual([
      ['2018-11-21', '2018-11-23', 3],
      ['2018-11-25', '2018-11-25', 1],
    ]);
    expect(episodes[0]!.expectedUsd).toBeCloseTo(98.756 + 102.7759, 10);
  });

  it('never merges a rise and a drop into one impact', () => {
    // AWS Glue, CUR 2018: 2018-11-20 a little above expectation, then the stop.
    const days = [
      day('2018-11-20', 0.4, 120.5, 98.2),
      day('2018-11-21', 0.41, 0, 98.756),
      day('2018-11-22', 0.49, 0, 104.0125),
    ];
    const episodes = mergeAnomalousDays(days, 0.375);
    expect(episodes.map((e) => [e.startDay, e.endDay, Math.sign(e.impactUsd)])).toEqual([
      ['2018-11-20', '2018-11-20', 1],
      ['2018-11-21', '2018-11-22', -1],
    ]);
  });
});
