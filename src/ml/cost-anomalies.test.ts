import { describe, expect, it } from 'vitest';
import { readCurRows } from '../../test/anomaly/fixtures.js';
import { scoreSeries } from './anomaly-detector.js';
import { mergeAnomalousDays } from './anomaly-episodes.js';
import { detectCostAnomalies, expectedDailyCost } from './cost-anomalies.js';
import { DAY_MS } from './features.js';
import { aggregateCostsByScope } from './cost-scopes.js';

describe('detectCostAnomalies on the CUR 2018 daily series', async () => {
  const scopes = aggregateCostsByScope(await readCurRows('cur-2018-daily-account-service.csv'), ['total', 'service']);
  const glue = scopes.get('service:AWSGlue')!;

  it('expects each day from the 28 days before it and the weekday effect', () => {
    // python, from the fixture: expected 2018-11-21..27 = 98.756, 104.0125, 102.7759, 101.1284,
    // 96.3793, 94.5922, 86.6112 (sum 684.25543).
    const expected = expectedDailyCost(glue.values);
    const i = glue.days.indexOf('2018-11-21');
    expect(expected[i]).toBeCloseTo(98.756, 3);
    expect(expected[i + 6]).toBeCloseTo(86.6112, 4);
    expect(expected[3]).toBeNaN();
  });

  it("finds AWS Glue's stop on 2018-11-21 as one multi-day anomaly with its dollar impact", () => {
    // 92 days of data: score after 30 days of history, retraining weekly (the default is 90 days).
    const detection = detectCostAnomalies(glue, { minHistoryDays: 30, detector: { retrainEvery: 7 } });
    expect(detection.status).toBe('scored');
    const stop = detection.anomalies.find((a) => a.startDay === '2018-11-21')!;
    expect(stop).toMatchObject({ scopeKey: 'service:AWSGlue', kind: 'service', actualUsd: 0, impactPercent: -100 });
    expect(stop.durationDays).toBeGreaterThanOrEqual(3);
    expect(stop.expectedUsd).toBeGreaterThan(290);
    expect(stop.peakScore).toBeGreaterThanOrEqual(0.375);
    expect(['medium', 'high', 'critical']).toContain(stop.severity);
  });

  it("scores a window from a model trained on every day before it, following an anomaly under way back to its start", () => {
    const options = { minHistoryDays: 30, detector: { retrainEvery: 7 }, alarmScore: 0.2 };
    const fromDay = '2018-11-23';
    const anchor = glue.days.indexOf(fromDay);
    const detection = detectCostAnomalies(glue, { ...options, fromDay });
    // Reference: the same anchored schedule scored over every day, merged the same way.
    const full = scoreSeries(glue.values, DAY_MS, { minTrainingRows: 30, retrainEvery: 7 }, { anchor, from: 0 });
    const episodes = mergeAnomalousDays(
      glue.days.map((day, t) => ({ day, score: Number.isNaN(full.raw[t]!) ? Number.NaN : full.unsuppressed[t]!, actualUsd: glue.values[t]!, expectedUsd: expectedDailyCost(glue.values)[t]! })),
      0.2,
    ).filter((e) => e.endDay >= fromDay);
    expect(detection.anomalies.map(({ startDay, endDay, peakScore, impactUsd }) => ({ startDay, endDay, peakScore, impactUsd })))
      .toEqual(episodes.map(({ startDay, endDay, peakScore, impactUsd }) => ({ startDay, endDay, peakScore, impactUsd })));
    // The stop of 2018-11-21 is under way on the first day of the window: it keeps its start day,
    // found by scoring back two weekly models; days before those stay unscored.
    expect(detection.anomalies[0]).toMatchObject({ startDay: '2018-11-21', endDay: '2018-11-29' });
    const scored = detection.days.filter((d) => !Number.isNaN(d.score));
    expect(scored[0]!.day).toBe('2018-11-09');
    expect(scored.length).toBeLessThan(full.raw.filter((r) => !Number.isNaN(r)).length);
  });

  it('scores nothing for a window after the last day, and everything for one before the first', () => {
    const options = { minHistoryDays: 30, detector: { retrainEvery: 7 } };
    expect(detectCostAnomalies(glue, { ...options, fromDay: '2019-02-01' }).anomalies).toEqual([]);
    expect(detectCostAnomalies(glue, { ...options, fromDay: '2017-01-01' })).toEqual(detectCostAnomalies(glue, options));
  });

  it('reports too little history instead of scoring it', () => {
    // AWSConfig has cost rows on 54 days.
    expect(detectCostAnomalies(scopes.get('service:AWSConfig')!)).toMatchObject({
      status: 'insufficient-history',
      note: '54 day(s) of cost data; scoring starts after 90',
      anomalies: [],
    });
    expect(detectCostAnomalies(scopes.get('service:AmazonDynamoDB')!)).toMatchObject({ status: 'new-scope', historyDays: 1 });
  });
});
