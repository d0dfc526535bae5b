import { describe, expect, it } from 'vitest';
import { forecastChartConfig, renderForecastChart } from '../../src/charts/forecast.js';
import { forecastCost } from '../../src/ml/forecast/cost-forecast.js';
import { decodePng, pixelsWhere } from '../bot/helpers/png.js';
import { curDailyTotal, head } from './fixtures.js';

const near = (r: number, g: number, b: number, [R, G, B]: [number, number, number], tol = 12) =>
  Math.abs(r - R) <= tol && Math.abs(g - G) <= tol && Math.abs(b - B) <= tol;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

describe('forecast chart on the real CUR daily total (history to 2018-11-15, forecast to 2019-01-31)', async () => {
  const total = await curDailyTotal();
  const history = head(total, 46);
  const f = forecastCost({ total: history }, 77);
  const input = {
    title: 'total: daily cost and forecast',
    history: history.times.map((t, i) => ({ day: day(t), usd: history.values[i]! })),
    forecast: f.days.map((d) => ({ ...d, day: day(d.time) })),
  };

  it('draws the history, the forecast line, the 95 % and 80 % bands and the month to date in their colours', async () => {
    const png = await renderForecastChart(input);
    const p = await decodePng(png);
    expect([p.width, p.height]).toEqual([800, 360]);
    const blue = pixelsWhere(p, (r, g, b) => near(r, g, b, [37, 99, 235]));
    const green = pixelsWhere(p, (r, g, b) => near(r, g, b, [22, 163, 74], 20));
    const purple = pixelsWhere(p, (r, g, b) => near(r, g, b, [147, 51, 234]));
    // 95 % band alone: 15 % green on white; 80 % band drawn over it: both alphas blended.
    const band95 = pixelsWhere(p, (r, g, b) => near(r, g, b, [220, 241, 228], 6));
    const band80 = pixelsWhere(p, (r, g, b) => near(r, g, b, [150, 209, 172], 10));
    for (const set of [blue, green, purple, band95, band80]) expect(set.length).toBeGreaterThan(100);
    // The legend at the bottom repeats the colours: positions are read in the plot area above it.
    const plot = (xs: [number, number][]) => xs.filter(([, y]) => y < 290).map(([x]) => x);
    const right = (xs: [number, number][]) => Math.max(...plot(xs));
    const left = (xs: [number, number][]) => Math.min(...plot(xs));
    // History on the left (its last 15 days, November to date, drawn over in purple), then the bands and the forecast.
    expect(left(purple)).toBeGreaterThan(left(blue) + 100);
    expect(right(purple)).toBeLessThanOrEqual(left(band80) + 10);
    expect(right(green)).toBeGreaterThan(right(purple) + 300);
  });

  it('labels a dollar y axis and the days', () => {
    const config = forecastChartConfig(input);
    const scales = config.options!.scales as Record<
      string,
      { title: { text: string }; ticks: { callback?: (v: number) => string } }
    >;
    expect(scales['y']!.title.text).toBe('USD per day');
    expect(scales['y']!.ticks.callback!(1500)).toBe('$1,500');
    expect(scales['x']!.title.text).toBe('day (UTC)');
    expect(config.data.datasets.map((d) => d.label).filter(Boolean)).toEqual([
      '95 % interval',
      '80 % interval',
      'Actual daily cost',
      'Month to date (2018-11)',
      'Forecast',
    ]);
  });
});
