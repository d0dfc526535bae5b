import type { ChartConfiguration } from 'chart.js';
import { InputError } from '../errors.js';
import { COLOURS, renderPng } from './canvas.js';

/** The forecast chart: recent daily cost, the daily forecast with its 80 % and 95 % bands, the month to date marked. */
export interface ForecastChartInput {
  title: string;
  /** Daily cost before the forecast, oldest first. */
  history: { day: string; usd: number }[];
  /** The stored daily forecast. */
  forecast: { day: string; yhat: number; lower80: number; upper80: number; lower95: number; upper95: number }[];
}

const dollars = (v: number | string) =>
  `$${Number(v).toLocaleString('en-US', { maximumFractionDigits: Number(v) < 10 ? 2 : 0 })}`;

export function forecastChartConfig(input: ForecastChartInput): ChartConfiguration {
  if (input.forecast.length === 0) throw new InputError('a forecast chart needs forecast days');
  const labels = [...input.history.map((d) => d.day), ...input.forecast.map((d) => d.day)];
  const pad = <T>(before: number, values: T[]) => [...new Array<null>(before).fill(null), ...values];
  const h = input.history.length;
  // The forecast line starts on the last actual day so the two lines join.
  const last = input.history.at(-1);
  const joinAt = last ? [last.usd] : [];
  const firstForecastMonth = input.forecast[0]!.day.slice(0, 7);
  const band = (key: 'lower80' | 'upper80' | 'lower95' | 'upper95') =>
    pad(h - joinAt.length, [...joinAt, ...input.forecast.map((d) => d[key])]);
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: '95 % interval',
          data: band('upper95'),
          borderWidth: 0,
          pointRadius: 0,
          backgroundColor: COLOURS.band95,
          fill: '+1',
        },
        { label: '', data: band('lower95'), borderWidth: 0, pointRadius: 0 },
        {
          label: '80 % interval',
          data: band('upper80'),
          borderWidth: 0,
          pointRadius: 0,
          backgroundColor: COLOURS.band80,
          fill: '+1',
        },
        { label: '', data: band('lower80'), borderWidth: 0, pointRadius: 0 },
        {
          label: 'Actual daily cost',
          data: [...input.history.map((d) => d.usd), ...new Array<null>(input.forecast.length).fill(null)],
          borderColor: COLOURS.cost,
          borderWidth: 2,
          pointRadius: 0,
        },
        {
          label: `Month to date (${firstForecastMonth})`,
          data: input.history.map((d) => (d.day.startsWith(firstForecastMonth) ? d.usd : null)),
          borderColor: COLOURS.monthToDate,
          borderWidth: 4,
          pointRadius: 0,
        },
        {
          label: 'Forecast',
          data: pad(h - joinAt.length, [...joinAt, ...input.forecast.map((d) => d.yhat)]),
          borderColor: COLOURS.forecast,
          borderDash: [6, 4],
          borderWidth: 2,
          pointRadius: 0,
        },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: input.title },
        legend: { position: 'bottom', labels: { filter: (item) => item.text !== '' } },
      },
      scales: {
        y: {
          beginAtZero: true,
          title: { display: true, text: 'USD per day' },
          ticks: { callback: (v) => dollars(v) },
        },
        x: { title: { display: true, text: 'day (UTC)' }, ticks: { maxTicksLimit: 12 } },
      },
    },
  };
}

export function renderForecastChart(input: ForecastChartInput): Promise<Buffer> {
  return renderPng(forecastChartConfig(input));
}
