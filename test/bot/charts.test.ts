import { describe, expect, it } from 'vitest';
import { renderAnomalyTrend } from '../../src/charts/anomaly-trend.js';
import { CHART_HEIGHT, CHART_WIDTH } from '../../src/charts/canvas.js';
import { renderUtilization } from '../../src/charts/utilization.js';
import { decodePng, HUE, pixelsWhere, spearman, type Pixels } from './helpers/png.js';
import { detectCostAnomalies } from '../../src/ml/anomaly/cost-anomalies.js';
import { aggregateCostsByScope } from '../../src/ml/cost-series.js';
import { hourly, readCostRows } from '../support/real-data.js';
import { reported } from '../rightsize/traces.js';

/** Columns of a series' colour, with the topmost pixel per column (the line), above the legend. */
function lineTops(
  p: Pixels,
  hue: (r: number, g: number, b: number) => boolean,
  plotBottom: number,
): Map<number, number> {
  const tops = new Map<number, number>();
  for (const [x, y] of pixelsWhere(p, hue)) if (y < plotBottom && y < (tops.get(x) ?? Infinity)) tops.set(x, y);
  return tops;
}

describe('chart PNGs are real images of the data', () => {
  it('anomaly trend: the cost line follows the real daily costs and the anomaly days are marked where they are', async () => {
    const rows = readCostRows();
    // The real detector's anomaly of t2.micro usage that ended before the data does (normal days
    // on both sides of it; this usage type has a row every day), and that usage type's real daily cost.
    const ml = rows.map((r) => ({
      day: r.day,
      accountId: r.accountId,
      service: r.service,
      region: r.region,
      usageType: r.usageType,
      usd: r.usd,
    }));
    const series = aggregateCostsByScope(ml, ['usage_type']).get('usage_type:BoxUsage:t2.micro')!;
    const a = detectCostAnomalies(series, {
      minHistoryDays: 28,
      direction: 'both',
      minImpactUsd: 0,
      minImpactPercent: 0,
    })
      .anomalies.filter((x) => x.endDay < series.days.at(-1)! && x.durationDays > 2)
      .sort((x, y) => Math.abs(y.impactUsd) - Math.abs(x.impactUsd))[0]!;
    expect(a).toBeDefined();
    const byDay = new Map<string, number>();
    for (const r of rows) if (r.usageType === 'BoxUsage:t2.micro') byDay.set(r.day, (byDay.get(r.day) ?? 0) + r.usd);
    const days = [...byDay.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([day, usd]) => ({ day, usd }));
    const png = await renderAnomalyTrend({
      title: 'EC2',
      days,
      startDay: a.startDay,
      endDay: a.endDay,
      expectedPerDayUsd: a.expectedUsd / a.durationDays,
    });
    const p = await decodePng(png);
    expect([p.width, p.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);

    const plotBottom = p.height - 60; // the legend and axis labels sit below
    const blue = lineTops(p, HUE.blue, plotBottom);
    const xs = [...blue.keys()].sort((m, n) => m - n);
    const left = xs[0]!;
    const right = xs.at(-1)!;
    expect(right - left).toBeGreaterThan(p.width / 2);
    // Where day i is drawn, and how high the line is there.
    const xOf = (i: number) => Math.round(left + (i * (right - left)) / (days.length - 1));
    const inWindow = (d: string) => d >= a.startDay && d <= a.endDay;
    const sample = days
      .map((d, i) => ({ d, y: blue.get(xOf(i)) }))
      .filter((s) => s.y !== undefined && !inWindow(s.d.day));
    expect(sample.length).toBeGreaterThan(days.length / 2);
    expect(
      spearman(
        sample.map((s) => -s.y!),
        sample.map((s) => s.d.usd),
      ),
    ).toBeGreaterThan(0.9);

    const red = pixelsWhere(p, HUE.red).filter(([, y]) => y < plotBottom);
    expect(red.length).toBeGreaterThan(20);
    const first = days.findIndex((d) => d.day === a.startDay);
    const last = days.findIndex((d) => d.day === a.endDay);
    for (const [x] of red) {
      expect(x).toBeGreaterThanOrEqual(xOf(first) - 8);
      expect(x).toBeLessThanOrEqual(xOf(last) + 8);
    }
  });

  it('utilization: the p99 and average lines sit at the heights of the real hourly CPU figures', async () => {
    const samples = reported('spiky', 'm5.large');
    const points = hourly('i-0', 'cpu', samples.times, samples.cpuPercent);
    const png = await renderUtilization({ title: 'CPU', points });
    const p = await decodePng(png);
    expect([p.width, p.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    const plotBottom = p.height - 60;
    const red = lineTops(p, HUE.red, plotBottom);
    const blue = lineTops(p, HUE.blue, plotBottom);
    // The average is drawn on top and spans the whole plot: its columns give the x extent.
    const cols = [...blue.keys()].sort((m, n) => m - n);
    const left = cols[0]!;
    const right = cols.at(-1)!;
    const xOf = (i: number) => Math.round(left + (i * (right - left)) / (points.length - 1));
    // Calibrate the value axis on the average line (drawn on top, never hidden) at its two extremes.
    const avg = points.map((q) => q.avg!);
    const iMax = avg.indexOf(Math.max(...avg));
    const iMin = avg.indexOf(Math.min(...avg.slice(1, -1)));
    // Anti-aliasing can leave one column of a steep segment without an exact-colour pixel: look one column either side.
    const near = (m: Map<number, number>, x: number) =>
      m.get(x) ?? Math.min(m.get(x - 1) ?? Infinity, m.get(x + 1) ?? Infinity);
    const yAt = (i: number) => near(blue, xOf(i));
    const yOf = (v: number) => yAt(iMin) + ((yAt(iMax) - yAt(iMin)) * (v - avg[iMin]!)) / (avg[iMax]! - avg[iMin]!);
    expect(avg[iMax]).toBeGreaterThan(20); // the trace's daily bursts
    // Every hour's average is drawn at its height; a pixel column at a vertex also holds part of
    // a steep neighbouring segment, so allow for the slope there.
    const spacing = (right - left) / (points.length - 1);
    const allowance = (ys: (i: number) => number, i: number) =>
      3 +
      (1.5 *
        Math.max(...[i - 1, i + 1].filter((j) => j >= 0 && j < points.length).map((j) => Math.abs(ys(j) - ys(i))))) /
        spacing;
    for (let i = 1; i < points.length - 1; i++) {
      expect(Math.abs(yAt(i) - yOf(avg[i]!))).toBeLessThanOrEqual(allowance((j) => yOf(avg[j]!), i));
    }
    // p99 is drawn at its own height wherever it stands clear of the average (during the bursts).
    const p99 = points.map((q) => q.p99!);
    const clear = p99.map((v, i) => i).filter((i) => i > 0 && i < points.length - 1 && yOf(avg[i]!) - yOf(p99[i]!) > 6);
    expect(clear.length).toBeGreaterThanOrEqual(3);
    for (const i of clear)
      expect(Math.abs(near(red, xOf(i)) - yOf(p99[i]!))).toBeLessThanOrEqual(allowance((j) => yOf(p99[j]!), i));
  });
});
