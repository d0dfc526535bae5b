import { beforeAll, describe, expect, it } from 'vitest';
import type { TimeSeries } from '../../csv.js';
import { loadForecastRuntime } from './load-augurs.js';
import { curDailyTotal, head, nabElbRequests } from '../../../test/forecast/fixtures.js';
import { aggregateMonthly } from './monthly.js';
import type { ForecastRuntime } from './runtime.js';
import { forecastSeries } from './forecast-series.js';

let rt: ForecastRuntime;
let total: TimeSeries;

beforeAll(async () => {
  rt = await loadForecastRuntime();
  total = await curDailyTotal();
});

describe('aggregateMonthly on the real CUR daily total', () => {
  // History 2018-10-01..2018-11-15 (46 days), forecast 2018-11-16..2018-12-30 (45 days).
  const cut = 46;

  it('completes the month the forecast starts in with the observed days and flags the partial last month', () => {
    const history = head(total, cut);
    const months = aggregateMonthly(forecastSeries(history, { horizon: 45 }, rt), { history });
    expect(months.map((m) => m.month)).toEqual(['2018-11', '2018-12']);
    const [nov, dec] = months as [(typeof months)[0], (typeof months)[0]];
    const observedNov = total.values.slice(31, cut).reduce((a, b) => a + b, 0);
    expect(nov.observedSteps).toBe(15);
    expect(nov.forecastSteps).toBe(15);
    expect(nov.observedTotal).toBeCloseTo(observedNov, 6);
    expect(nov.complete).toBe(true);
    expect(nov.lower95).toBeGreaterThanOrEqual(observedNov); // known days carry no uncertainty, costs are >= 0
    expect(dec.forecastSteps).toBe(30);
    expect(dec.complete).toBe(false);
    for (const m of months) {
      expect(m.lower95).toBeLessThanOrEqual(m.lower80);
      expect(m.lower80).toBeLessThanOrEqual(m.yhat);
      expect(m.yhat).toBeLessThanOrEqual(m.upper80);
      expect(m.upper80).toBeLessThanOrEqual(m.upper95);
    }
  });

  it('is narrower than adding up daily bounds (day-to-day noise partly cancels) and repeatable with its seed', () => {
    const history = head(total, cut);
    const f = forecastSeries(history, { horizon: 45 }, rt);
    const dec = aggregateMonthly(f)[1]!;
    const december = f.points.filter((p) => new Date(p.time).toISOString().startsWith('2018-12'));
    const sumUpper = december.reduce((a, p) => a + p.upper80, 0);
    const sumLower = december.reduce((a, p) => a + p.lower80, 0);
    expect(dec.upper80 - dec.lower80).toBeLessThan(sumUpper - sumLower);
    expect(aggregateMonthly(f, { seed: 7 })).toEqual(aggregateMonthly(f, { seed: 7 }));
    expect(aggregateMonthly(f, { seed: 7 })).not.toEqual(aggregateMonthly(f, { seed: 8 }));
  });

  it('sums sub-daily steps too, and refuses steps longer than a day', async () => {
    const nab = await nabElbRequests();
    const months = aggregateMonthly(forecastSeries(nab, { horizon: 12 }, rt));
    expect(months).toHaveLength(1);
    expect(months[0]!.forecastSteps).toBe(12);
    const weekly = forecastSeries(
      { times: total.times.filter((_, i) => i % 7 === 0), values: total.values.filter((_, i) => i % 7 === 0) },
      { horizon: 4 },
      rt,
    );
    expect(() => aggregateMonthly(weekly)).toThrow(/one day or a divisor of a day/);
  });
});
