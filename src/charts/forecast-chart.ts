import type { ChartConfiguration } from 'chart.js';
import { InputError } from '../errors.js';
import { COLOURS, renderPng } from './canvas.js';

/** The forecast chart: daily cost so far, then the forecast with its 80 % interval. */
export interface ForecastChartInput {
  title: string;
  /** Observed daily cost, oldest first. */
  history: { day: string; usd: number }[];
  /** Forecast days after the history, with the 80 % interval. */
  forecast: { day: string; yhat: number; lower80: number; upper80: number }[];
}

const BAND = 'rgba(37, 99, 235, 0.15)';

export function forecastChartConfig(input: ForecastChartInput): ChartConfiguration {
  if (input.history.length < 2 || input.forecast.length < 1)
    throw new InputError('a forecast chart needs at least 2 days of history and 1 forecast day');
  const labels = [...input.history.map((d) => d.day), ...input.forecast.map((d) => d.day)];
  const pad = input.history.map(() => null);
  const ahead = (pick: (d: ForecastChartInput['forecast'][number]) => number) => [...pad, ...input.forecast.map(pick)];
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: 'Daily cost (USD)',
          data: [...input.history.map((d) => d.usd), ...input.forecast.map(() => null)],
          borderColor: COLOURS.cost,
          borderWidth: 2,
          pointRadius: 0,
        },
        {
          label: '80 % interval, low',
          data: ahead((d) => d.lower80),
          borderColor: BAND,
          borderWidth: 0,
          pointRadius: 0,
        },
        {
          label: '80 % interval',
          data: ahead((d) => d.upper80),
          borderColor: BAND,
          backgroundColor: BAND,
          borderWidth: 0,
          pointRadius: 0,
          fill: '-1',
        },
        {
          label: 'Forecast (USD per day)',
          data: ahead((d) => d.yhat),
          borderColor: COLOURS.expected,
          borderDash: [6, 4],
          borderWidth: 2,
          pointRadius: 0,
        },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: input.title },
        legend: { position: 'bottom', labels: { filter: (item) => item.text !== '80 % interval, low' } },
      },
      scales: {
        y: { beginAtZero: true, title: { display: true, text: 'USD per day' } },
        x: { ticks: { maxTicksLimit: 12 } },
      },
    },
  };
}

/** PNG of the daily cost and its forecast. */
export function renderForecastChart(input: ForecastChartInput): Promise<Buffer> {
  return renderPng(forecastChartConfig(input));
}
