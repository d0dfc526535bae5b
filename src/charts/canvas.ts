import type { ChartConfiguration } from 'chart.js';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';

/** Chart size in pixels: wide enough for 90 daily points or 14 days of hourly points in a modal. */
export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 360;

/** Fixed palette; tests find a series by its colour. */
export const COLOURS = {
  cost: 'rgb(37, 99, 235)',
  anomaly: 'rgb(220, 38, 38)',
  expected: 'rgb(107, 114, 128)',
  avg: 'rgb(37, 99, 235)',
  p95: 'rgb(234, 88, 12)',
  p99: 'rgb(220, 38, 38)',
  max: 'rgb(107, 114, 128)',
  forecast: 'rgb(22, 163, 74)',
  band80: 'rgba(22, 163, 74, 0.35)',
  band95: 'rgba(22, 163, 74, 0.15)',
  monthToDate: 'rgb(147, 51, 234)',
} as const;

// One renderer per process: it holds only the Chart.js registry and a canvas size, no state between charts.
let renderer: ChartJSNodeCanvas | undefined;

/** Renders a Chart.js configuration to a PNG on a white background, without animation. */
export async function renderPng(config: ChartConfiguration): Promise<Buffer> {
  renderer ??= new ChartJSNodeCanvas({ width: CHART_WIDTH, height: CHART_HEIGHT, backgroundColour: 'white' });
  return renderer.renderToBuffer(
    { ...config, options: { ...config.options, animation: false, responsive: false } } as ChartConfiguration,
    'image/png',
  );
}
