import type { ChartConfiguration } from 'chart.js';
import { InputError } from '../errors.js';
import { COLOURS, renderPng } from './canvas.js';

/** A utilization chart: hourly CPU or memory percent with its percentiles. */
export interface UtilizationInput {
  title: string;
  points: { ts: Date; avg: number | null; p95: number | null; p99: number | null; max: number | null }[];
}

export function utilizationConfig(input: UtilizationInput): ChartConfiguration {
  if (input.points.length < 2) throw new InputError('a utilization chart needs at least 2 points');
  const labels = input.points.map((p) => p.ts.toISOString().slice(5, 13).replace('T', ' ') + 'h');
  // Chart.js draws a lower `order` on top: the average stays visible where the percentiles meet it.
  const series = (key: 'avg' | 'p95' | 'p99' | 'max', label: string, width: number, order: number) => ({
    label,
    order,
    data: input.points.map((p) => p[key]),
    borderColor: COLOURS[key],
    borderWidth: width,
    pointRadius: 0,
    spanGaps: false,
  });
  const datasets = [
    series('avg', 'Average', 2, 0),
    series('p95', 'p95', 1.5, 2),
    series('p99', 'p99', 1.5, 1),
    series('max', 'Maximum', 1, 3),
  ].filter((d) => d.data.some((v) => v !== null));
  return {
    type: 'line',
    data: { labels, datasets },
    options: {
      plugins: { title: { display: true, text: input.title }, legend: { position: 'bottom' } },
      scales: {
        y: { min: 0, max: 100, title: { display: true, text: 'percent' } },
        x: { ticks: { maxTicksLimit: 14 } },
      },
    },
  };
}

/** PNG of an instance's hourly CPU or memory utilization percentiles. */
export function renderUtilization(input: UtilizationInput): Promise<Buffer> {
  return renderPng(utilizationConfig(input));
}
