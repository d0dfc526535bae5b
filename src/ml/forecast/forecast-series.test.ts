import { beforeAll, describe, expect, it } from 'vitest';
import { InputError, InsufficientDataError } from '../../errors.js';
import { loadForecastRuntime } from './load-augurs.js';
import { curDailyByService, curDailyTotal, head, nabElbRequests } from '../../../test/forecast/fixtures.js';
import type { ForecastRuntime } from './runtime.js';
import { forecastSeries, intervalsAt } from './forecast-series.js';
import type { TimeSeries } from '../../csv.js';

let rt: ForecastRuntime;
let total: TimeSeries;
let nab: TimeSeries;

beforeAll(async () => {
  rt = await loadForecastRuntime();
  total = await curDailyTotal();
  nab = await nabElbRequests();
});

const DAY = 86_400_000;

describe('forecastSeries on real series', () => {
  it('starts near the recent level of the CUR daily total and widens its intervals with the horizon', () => {
    const f = forecastSeries(total, { horizon: 30 }, rt);
    const recent = total.values.slice(-14);
    for (const p of f.points.slice(0, 7)) {
      expect(p.yhat).toBeGreaterThanOrEqual(Math.min(...recent));
      expect(p.yhat).toBeLessThanOrEqual(Math.max(...recent));
    }
    const width = (h: number) => f.points[h]!.upper80 - f.points[h]!.lower80;
    expect(width(29)).toBeGreaterThan(width(0));
    for (const p of f.points) {
      expect(p.lower95).toBeLessThanOrEqual(p.lower80);
      expect(p.lower80).toBeLessThanOrEqual(p.yhat);
      expect(p.yhat).toBeLessThanOrEqual(p.upper80);
      expect(p.upper80).toBeLessThanOrEqual(p.upper95);
      expect(p.lower95).toBeGreaterThanOrEqual(0); // a cost forecast never goes below zero
    }
    expect(f.points[0]!.time).toBe(total.times.at(-1)! + DAY);
    expect(f.members).toEqual(['prophet', 'mstl', 'ets', 'naive', 'seasonal-naive']);
  });

  it('follows the level of a real five-minute CloudWatch series', () => {
    const f = forecastSeries(nab, { horizon: 12 }, rt);
    expect(f.stepMs).toBe(5 * 60_000);
    expect(f.periods).toEqual([288]);
    const recent = nab.values.slice(-288);
    const lo = Math.min(...recent);
    const hi = Math.max(...recent);
    for (const p of f.points.slice(0, 3)) {
      expect(p.yhat).toBeGreaterThanOrEqual(lo);
      expect(p.yhat).toBeLessThanOrEqual(hi);
    }
    // Modelled in log space, the band widens relative to the level (its absolute width follows the daily cycle).
    const relative = (h: number) => f.points[h]!.upper95 / Math.max(f.points[h]!.yhat, 1e-9);
    expect(relative(11)).toBeGreaterThan(relative(0));
  });

  it('gives identical output for identical input', () => {
    const a = forecastSeries(total, { horizon: 20 }, rt);
    const b = forecastSeries({ times: [...total.times], values: [...total.values] }, { horizon: 20 }, rt);
    expect(b).toEqual(a);
  });

  it('calibrates any interval level from the same distribution, nested by level', () => {
    const f = forecastSeries(total, { horizon: 14 }, rt);
    const b50 = intervalsAt(f.distribution, 50);
    const b80 = intervalsAt(f.distribution, 80);
    const b99 = intervalsAt(f.distribution, 99);
    expect(b80.lower).toEqual(f.points.map((p) => p.lower80));
    f.points.forEach((_, h) => {
      expect(b99.lower[h]!).toBeLessThanOrEqual(b80.lower[h]!);
      expect(b80.lower[h]!).toBeLessThanOrEqual(b50.lower[h]!);
      expect(b50.upper[h]!).toBeLessThanOrEqual(b80.upper[h]!);
      expect(b80.upper[h]!).toBeLessThanOrEqual(b99.upper[h]!);
    });
    expect(f.backtest?.origins).toBe(3);
  });

  it("reports Prophet's trend with growth, comparison and changepoints", () => {
    const f = forecastSeries(total, { horizon: 30 }, rt);
    expect(f.trend).not.toBeNull();
    expect(['accelerating', 'decelerating', 'steady']).toContain(f.trend!.direction);
    expect(f.trend!.comparisonWindowDays).toBeGreaterThanOrEqual(28);
    for (const c of f.trend!.changepoints) {
      expect(c.time).toBeGreaterThanOrEqual(total.times[0]!);
      expect(c.time).toBeLessThanOrEqual(total.times.at(-1)!);
    }
  });
});

describe('trend of a real growing cost', () => {
  it('sees QuickSight growing but slowing: $0 until Oct 24, $1.20 from Nov 6, $1.60 from Nov 25', async () => {
    const quicksight = (await curDailyByService()).get('Amazon QuickSight')!;
    const f = forecastSeries(head(quicksight, 60), { horizon: 14 }, rt); // history to 2018-11-29
    const trend = f.trend!;
    expect(trend.slopePerDay).toBeGreaterThan(0);
    expect(trend.growthPercentPerMonth!).toBeGreaterThan(0);
    expect(trend.previousGrowthPercentPerMonth!).toBeGreaterThan(trend.growthPercentPerMonth!);
    expect(trend.direction).toBe('decelerating');
    expect(trend.changepoints.length).toBeGreaterThan(0);
    const times = trend.changepoints.map((c) => c.time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const c of trend.changepoints) expect(c.slopeChangePerDay).toBeGreaterThan(0); // the ramp-up of late October
  });
});

describe('forecastSeries history rules', () => {
  it('flags a 12-month horizon on 92 days of history as low confidence, with the reason', () => {
    const f = forecastSeries(total, { horizon: 365 }, rt);
    expect(f.confidence).toBe('low');
    expect(f.confidenceReasons.join(' ')).toMatch(/under 12 months/);
    expect(f.warnings.join(' ')).toMatch(/yearly seasonality is not modelled/);
    expect(forecastSeries(total, { horizon: 14 }, rt).confidence).toBe('normal');
  });

  it('refuses under one billing cycle of daily history', () => {
    expect(() => forecastSeries(head(total, 27), { horizon: 7 }, rt)).toThrow(InsufficientDataError);
    expect(() => forecastSeries(head(total, 27), { horizon: 7 }, rt)).toThrow(/billing cycle/);
  });

  it('keeps missing days missing: a real gappy series (AWS Config) is forecast, the gap counted, not zero-filled', async () => {
    const config = (await curDailyByService()).get('AWS Config')!;
    const f = forecastSeries(config, { horizon: 7 }, rt);
    const gridDays = (config.times.at(-1)! - config.times[0]!) / DAY + 1;
    expect(f.history.missingSteps).toBe(gridDays - config.times.length);
    expect(f.history.missingSteps).toBeGreaterThan(0);
    expect(f.warnings.join(' ')).toMatch(/missing step\(s\).*never read as zero/);
    expect(f.points.every((p) => Number.isFinite(p.yhat))).toBe(true);
  });

  it('uses the latest value of a restated day', () => {
    const restated = {
      times: [...total.times, total.times.at(-1)!],
      values: [...total.values, total.values.at(-1)! * 2],
    };
    const f = forecastSeries(restated, { horizon: 7 }, rt);
    const g = forecastSeries(
      { times: total.times, values: [...total.values.slice(0, -1), total.values.at(-1)! * 2] },
      { horizon: 7 },
      rt,
    );
    expect(f.points).toEqual(g.points);
    expect(f.warnings.join(' ')).toMatch(/repeated timestamp/);
  });
});

describe('forecastSeries bad input', () => {
  it('rejects an irregular step', () => {
    const times = [...total.times];
    times[40] = times[40]! + 3_600_000;
    expect(() => forecastSeries({ times, values: total.values }, { horizon: 7 }, rt)).toThrow(/irregular time step/);
  });

  it('rejects a series of zeros', () => {
    expect(() => forecastSeries({ times: total.times, values: total.values.map(() => 0) }, { horizon: 7 }, rt)).toThrow(
      InputError,
    );
  });

  it('rejects non-finite values and a bad horizon', () => {
    const values = [...total.values];
    values[10] = NaN;
    expect(() => forecastSeries({ times: total.times, values }, { horizon: 7 }, rt)).toThrow(/not a finite number/);
    expect(() => forecastSeries(total, { horizon: 0 }, rt)).toThrow(/horizon/);
    expect(() => forecastSeries(total, { horizon: 2.5 }, rt)).toThrow(InputError);
  });
});
