import { describe, expect, it } from 'vitest';
import { readCurRows } from '../../../test/anomaly/fixtures.js';
import { scoreSeries } from './detector.js';
import { mergeAnomalousDays } from './episodes.js';
import { detectCostAnomalies, expectedDailyCost, raisable, type CostAnomalyOptions } from './cost-anomalies.js';
import { aggregateCostsByScope } from '../cost-series.js';
import { DAY_MS } from '../../days.js';

const EVERY_EPISODE = { direction: 'both', minImpactUsd: 0, minImpactPercent: 0, settleDays: 0 } as const;

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
    // 92 days of data: score after 30 days of history (the default is 90), retraining every 14 days.
    // A model retrained inside an episode has learnt its first days: retraining weekly puts a model
    // on 2018-11-22 (the 7-day grid), and only the first day of the stop alarms then.
    const detection = detectCostAnomalies(glue, {
      minHistoryDays: 30,
      detector: { retrainEvery: 14 },
      direction: 'both',
    });
    expect(detection.status).toBe('scored');
    const stop = detection.anomalies.find((a) => a.startDay === '2018-11-21')!;
    expect(stop).toMatchObject({ scopeKey: 'service:AWSGlue', kind: 'service', actualUsd: 0, impactPercent: -100 });
    expect(stop.durationDays).toBeGreaterThanOrEqual(3);
    expect(stop.expectedUsd).toBeGreaterThan(290);
    expect(stop.peakScore).toBeGreaterThanOrEqual(0.375);
    expect(['medium', 'high', 'critical']).toContain(stop.severity);
  });

  it('scores a window with models on a calendar grid, following an anomaly under way back to its start', () => {
    // Every episode the detector finds: both directions, no minimum impact.
    const options = { ...EVERY_EPISODE, minHistoryDays: 30, detector: { retrainEvery: 7 }, alarmScore: 0.2 };
    const fromDay = '2018-11-23';
    // Weekly models on the grid of 7-day steps from 1970-01-01 (a Thursday): 2018-11-22 is on it,
    // and so is the last grid day of the data, 2018-12-27, where the schedule is anchored.
    const anchor = glue.days.indexOf('2018-12-27');
    const detection = detectCostAnomalies(glue, { ...options, fromDay });
    // Reference: the same anchored schedule scored over every day, merged the same way.
    const origin = Math.round(Date.parse(`${glue.days[0]}T00:00:00Z`) / DAY_MS);
    const full = scoreSeries(
      glue.values,
      DAY_MS,
      { minTrainingRows: 30, retrainEvery: 7, trainingWindow: 365 },
      { anchor, from: 0, origin },
    );
    expect(full.schedule).toContain(anchor);
    const episodes = mergeAnomalousDays(
      glue.days.map((day, t) => ({
        day,
        score: Number.isNaN(full.raw[t]!) ? Number.NaN : full.unsuppressed[t]!,
        actualUsd: glue.values[t]!,
        expectedUsd: expectedDailyCost(glue.values)[t]!,
      })),
      0.2,
    ).filter((e) => e.endDay >= fromDay);
    expect(
      detection.anomalies.map(({ startDay, endDay, peakScore, impactUsd }) => ({
        startDay,
        endDay,
        peakScore,
        impactUsd,
      })),
    ).toEqual(
      episodes.map(({ startDay, endDay, peakScore, impactUsd }) => ({ startDay, endDay, peakScore, impactUsd })),
    );
    // The stop of 2018-11-21 is under way when the window starts: it keeps its start day, found by
    // scoring back weekly models; days before the first of them stay unscored.
    expect(detection.anomalies[0]).toMatchObject({ startDay: '2018-11-21' });
    const scored = detection.days.filter((d) => !Number.isNaN(d.score));
    expect(full.schedule).toContain(glue.days.indexOf(scored[0]!.day));
    expect(scored[0]!.day < '2018-11-15').toBe(true);
    expect(scored.length).toBeLessThan(full.raw.filter((r) => !Number.isNaN(r)).length);
  });

  // The same real series with days missing (a failed collection), some of them on grid days.
  const gapDays = new Set([
    '2018-11-02',
    '2018-11-03',
    '2018-11-22',
    '2018-12-06',
    '2018-12-07',
    '2018-12-08',
    '2018-12-20',
  ]);
  const gapped = { ...glue, values: glue.values.map((v, t) => (gapDays.has(glue.days[t]!) ? Number.NaN : v)) };

  for (const [name, series] of [
    ['', glue],
    [', with missing days', gapped],
  ] as const) {
    it(`judges a day the same way night after night: consecutive nightly runs reuse the same models${name}`, () => {
      const options = { minHistoryDays: 30, detector: { retrainEvery: 7 } };
      const night = (last: number) => {
        const prefix = { ...series, days: series.days.slice(0, last + 1), values: series.values.slice(0, last + 1) };
        return detectCostAnomalies(prefix, { ...options, fromDay: series.days[last - 13]! });
      };
      let compared = 0;
      for (let last = 50; last < series.days.length; last++) {
        const [before, after] = [night(last - 1), night(last)];
        before.days.forEach((d, t) => {
          if (Number.isNaN(d.score) || Number.isNaN(after.days[t]!.score)) return;
          expect(after.days[t]!.score).toBe(d.score);
          compared++;
        });
        // An anomaly both nights report (same start day) has the same peak.
        for (const a of before.anomalies) {
          const again = after.anomalies.find((b) => b.startDay === a.startDay);
          if (again && again.endDay === a.endDay) expect(again.peakScore).toBe(a.peakScore);
        }
      }
      expect(compared).toBeGreaterThan(350);
    });

    it(`judges a day the same way when the loaded history slides by a day (a fixed training span)${name}`, () => {
      // 75 days loaded: 24 days the features read back + 30 days of training + a 7-day grid + 14 days.
      const options = { minHistoryDays: 30, detector: { retrainEvery: 7, trainingWindow: 30 } };
      const night = (last: number) => {
        const first = last - 74;
        const loaded = {
          ...series,
          days: series.days.slice(first, last + 1),
          values: series.values.slice(first, last + 1),
        };
        const detection = detectCostAnomalies(loaded, { ...options, fromDay: series.days[last - 13]! });
        return new Map(detection.days.filter((d) => !Number.isNaN(d.score)).map((d) => [d.day, d.score]));
      };
      let compared = 0;
      for (let last = 75; last < series.days.length; last++) {
        const [before, after] = [night(last - 1), night(last)];
        for (const [day, score] of before) {
          if (!after.has(day)) continue;
          expect(after.get(day)).toBe(score);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(150);
    });
  }

  it('scores nothing for a window after the last day, and everything for one before the first', () => {
    const options = { minHistoryDays: 30, detector: { retrainEvery: 7 } };
    expect(detectCostAnomalies(glue, { ...options, fromDay: '2019-02-01' }).anomalies).toEqual([]);
    expect(detectCostAnomalies(glue, { ...options, fromDay: '2017-01-01' })).toEqual(
      detectCostAnomalies(glue, options),
    );
  });

  // Every service with enough history, scored as the job does (30 days before scoring here).
  const detectAll = (options: CostAnomalyOptions) =>
    [...scopes.values()]
      .filter((s) => s.kind === 'service')
      .flatMap(
        (s) => detectCostAnomalies(s, { minHistoryDays: 30, detector: { retrainEvery: 7 }, ...options }).anomalies,
      );

  it('raises increases only by default, and drops with direction both', () => {
    const every = detectAll(EVERY_EPISODE);
    // The real series have both: AWS Glue's stop of 2018-11-21 and rises (GuardDuty, RDS).
    expect(every.some((a) => a.impactUsd < 0)).toBe(true);
    expect(every.some((a) => a.impactUsd > 0)).toBe(true);
    expect(detectAll({ minImpactUsd: 0, minImpactPercent: 0 })).toEqual(every.filter((a) => a.impactUsd > 0));
    const both = detectAll({ direction: 'both' });
    expect(both.find((a) => a.scopeKey === 'service:AWSGlue')).toMatchObject({ startDay: '2018-11-21', actualUsd: 0 });
    expect(detectAll({}).every((a) => a.impactUsd > 0)).toBe(true);
  });

  it('raises nothing below either minimum impact: both are required', () => {
    const every = detectAll(EVERY_EPISODE);
    const raised = detectAll({ direction: 'both' });
    // GuardDuty's +$0.07 (+321 %) and QuickSight's -$0.23 are below $10; RDS's +$0.72 is +0.3 %.
    expect(every.length).toBeGreaterThan(raised.length);
    expect(raised.length).toBeGreaterThan(0);
    expect(raised).toEqual(every.filter((a) => Math.abs(a.impactUsd) >= 10 && Math.abs(a.impactPercent) >= 10));
    expect(every.filter((a) => raisable(a, { direction: 'both', minImpactUsd: 0.05, minImpactPercent: 300 }))).toEqual(
      every.filter((a) => a.scopeKey === 'service:AmazonGuardDuty'),
    );
  });

  it('reports too little history instead of scoring it', () => {
    // AWSConfig has cost rows on 54 days.
    expect(detectCostAnomalies(scopes.get('service:AWSConfig')!)).toMatchObject({
      status: 'insufficient-history',
      note: '54 day(s) of cost data; scoring starts after 90',
      anomalies: [],
    });
    expect(detectCostAnomalies(scopes.get('service:AmazonDynamoDB')!)).toMatchObject({
      status: 'new-scope',
      historyDays: 1,
    });
  });
});
