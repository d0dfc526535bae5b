import { beforeAll, describe, expect, it } from 'vitest';
import type { TimeSeries } from '../../csv.js';
import { loadForecastRuntime } from './load-augurs.js';
import { curDailyByService, curDailyTotal, head } from '../../../test/forecast/fixtures.js';
import { keyDrivers, type ScopeForecast } from './drivers.js';
import type { ForecastRuntime } from './runtime.js';
import { forecastSeries } from './forecast-series.js';

let rt: ForecastRuntime;
let total: TimeSeries;
let services: Map<string, { times: number[]; values: number[] }>;

beforeAll(async () => {
  rt = await loadForecastRuntime();
  total = await curDailyTotal();
  services = await curDailyByService();
});

/** Forecasts of the total and of every service from the history before day `cut` of the export. */
function forecastsAt(cut: number, horizon: number) {
  const origin = total.times[cut]!;
  const scopes: ScopeForecast[] = [...services.entries()].map(([scope, s]) => {
    const k = s.times.filter((t) => t < origin).length;
    return {
      scope,
      forecast: forecastSeries({ times: s.times.slice(0, k), values: s.values.slice(0, k) }, { horizon }, rt),
    };
  });
  return { scopes, totalForecast: forecastSeries(head(total, cut), { horizon }, rt) };
}

describe('keyDrivers on real CUR services', () => {
  it('names AWS Glue, which stopped on 2018-11-21, as the largest driver of the fall in cost', () => {
    // Origin 2018-11-26: Glue has cost nothing for 5 days but its 28-day run rate is still ~$82/day.
    const { scopes, totalForecast } = forecastsAt(56, 30);
    const d = keyDrivers(scopes, totalForecast);
    expect(d.totalChange).toBeLessThan(0);
    expect(d.drivers[0]!.scope).toBe('AWS Glue');
    expect(d.drivers[0]!.change).toBeLessThan(0);
    expect(d.drivers[0]!.sharePercent!).toBeGreaterThan(50);
    const abs = d.drivers.map((x) => Math.abs(x.change));
    expect(abs).toEqual([...abs].sort((a, b) => b - a));
    const all = keyDrivers(scopes, totalForecast, scopes.length);
    const explained = all.drivers.reduce((a, x) => a + x.change, 0);
    expect(explained + all.unexplainedChange).toBeCloseTo(all.totalChange, 6);
    for (const x of all.drivers) expect(x.change).toBeCloseTo(x.forecastTotal - x.baselineTotal, 9);
  });

  it('refuses forecasts that cover other steps than the total', () => {
    const { scopes, totalForecast } = forecastsAt(56, 14);
    const other = forecastSeries(head(total, 50), { horizon: 14 }, rt);
    expect(() => keyDrivers([...scopes, { scope: 'late', forecast: other }], totalForecast)).toThrow(/same horizon/);
  });
});
